from django.core.management.base import BaseCommand

from boards.demo import ADMIN_PASSWORD, DEMO_PASSWORD, PEOPLE, seed_demo_network
from boards.demo_content import PRIVATE_ARTICLES, seed_demo_articles
from boards.demo_threads import seed_demo_threads


class Command(BaseCommand):
    help = "Create (or complete) the demo network: safe to run more than once."

    def handle(self, *args, **options) -> None:
        network = seed_demo_network()
        public = network.public_space
        seed_demo_articles(public, network.users, network.categories[public.slug])
        private = network.private_space
        seed_demo_articles(
            private, network.users, network.categories[private.slug], PRIVATE_ARTICLES
        )
        seed_demo_threads(public, network.users)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {public.name} and {network.private_space.name}."
            )
        )
        people = ", ".join(person.username for person in PEOPLE)
        self.stdout.write(
            f"Accounts: {people} (password {DEMO_PASSWORD}); admin ({ADMIN_PASSWORD})."
        )
