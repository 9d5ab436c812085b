from django.core.management.base import BaseCommand

from boards.demo import DEMO_PASSWORD, PEOPLE, seed_demo_network


class Command(BaseCommand):
    help = "Create (or complete) the demo network: safe to run more than once."

    def handle(self, *args, **options) -> None:
        network = seed_demo_network()
        try:
            from boards.demo_content import seed_demo_articles
        except ImportError:
            seed_demo_articles = None
        if seed_demo_articles is not None:
            seed_demo_articles(
                network.public_space,
                network.users,
                network.categories[network.public_space.slug],
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo network ready: {network.public_space.name} and {network.private_space.name}."
            )
        )
        people = ", ".join(person.username for person in PEOPLE)
        self.stdout.write(f"Accounts: {people} (password {DEMO_PASSWORD}); admin (carnet-admin).")
