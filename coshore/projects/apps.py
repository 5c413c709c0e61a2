from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "coshore.projects"
    label = "projects"
