from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Create the demo content of `make run` once (each app's demo.seed(), in app order)."

    def add_arguments(self, parser):
        parser.add_argument("--site", default="http://127.0.0.1:8000")

    def handle(self, *args, site: str, **options):
        for config in apps.get_app_configs():
            if find_spec(f"{config.name}.demo") is None:
                continue
            module = import_module(f"{config.name}.demo")
            with transaction.atomic():
                for line in module.seed(site=site):
                    self.stdout.write(line)
