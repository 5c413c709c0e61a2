from django.apps import AppConfig


class SkillsConfig(AppConfig):
    name = "coshore.skills"
    label = "skills"
    verbose_name = "ESCO skills"
