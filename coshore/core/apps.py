from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "coshore.core"
    label = "core"

    def ready(self) -> None:
        from django.conf import settings
        from django.core.signals import request_finished

        from .lookups import register
        from .memory import on_request_finished

        register()

        if getattr(settings, "GC_FREEZE_AFTER_WARMUP", True):
            request_finished.connect(on_request_finished, dispatch_uid="coshore.core.gc_freeze")
