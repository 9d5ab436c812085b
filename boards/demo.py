"""The demo network that `manage.py seed_demo` creates: safe to run again and again."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from boards.models import Category, Link, Membership, Role, Space

DEMO_PASSWORD = "carnet-demo"
ADMIN_PASSWORD = "carnet-admin"
PUBLIC_SLUG = "jeunes-en-projet"
PRIVATE_SLUG = "comite-jeunes-en-projet"


@dataclass(frozen=True)
class DemoPerson:
    username: str
    display_name: str
    occupation: str
    organisation: str
    bio: str
    expertise: tuple[str, ...]
    public_role: str | None
    private_role: str | None


PEOPLE = (
    DemoPerson(
        "marie",
        "Marie Tremblay",
        User.Occupation.GUIDANCE_COUNSELLOR,
        "Centre de services scolaire du Chemin-du-Roy",
        "Conseillère d'orientation depuis quinze ans, j'anime la communauté de pratique "
        "Jeunes en projet et ses rencontres mensuelles.",
        ("approche orientante", "animation", "persévérance scolaire"),
        Role.FACILITATOR,
        Role.OWNER,
    ),
    DemoPerson(
        "jean",
        "Jean Lavoie",
        User.Occupation.TEACHER,
        "École secondaire des Pionniers, Trois-Rivières",
        "Enseignant en adaptation scolaire. Je cherche ce qui accroche les élèves de "
        "quinze ans qui ne voient plus l'intérêt de venir à l'école.",
        ("adaptation scolaire", "projets pédagogiques"),
        Role.MEMBER,
        Role.MEMBER,
    ),
    DemoPerson(
        "sophie",
        "Sophie Gagnon",
        User.Occupation.SOCIAL_WORKER,
        "CIUSSS de la Mauricie-et-du-Centre-du-Québec",
        "Travailleuse sociale auprès des familles de Shawinigan et de La Tuque.",
        ("familles", "intervention de milieu"),
        Role.MEMBER,
        Role.MEMBER,
    ),
    DemoPerson(
        "luc",
        "Luc Bergeron",
        User.Occupation.RESEARCHER,
        "Université du Québec à Trois-Rivières",
        "Chercheur en psychoéducation; je m'intéresse aux facteurs de protection contre "
        "le décrochage.",
        ("recherche", "facteurs de risque", "évaluation de programmes"),
        Role.MEMBER,
        None,
    ),
    DemoPerson(
        "claire",
        "Claire Pelletier",
        User.Occupation.EDUCATIONAL_ADVISOR,
        "Cégep de Trois-Rivières",
        "Conseillère pédagogique. Je lis beaucoup et j'écris peu, pour l'instant.",
        ("transition secondaire-collégial",),
        Role.READER,
        Role.READER,
    ),
)

CATEGORIES = {
    PUBLIC_SLUG: (
        ("Le décrochage", "Comprendre le phénomène : chiffres, causes, signaux."),
        ("Expériences positives", "Ce qui a marché chez nous, à refaire ailleurs."),
        ("Intervenants", "Qui fait quoi dans la région, et comment les joindre."),
        ("Experts", "Recherches, lectures et avis de spécialistes."),
    ),
    PRIVATE_SLUG: (
        ("Ordres du jour", "Les rencontres du comité."),
        ("Comptes rendus", "Ce qui a été dit et décidé."),
        ("Projets", "Nos chantiers en cours."),
    ),
}

LINKS = {
    PUBLIC_SLUG: (
        ("Éducation — Gouvernement du Québec", "https://www.quebec.ca/education", ""),
        ("Cégep de Trois-Rivières", "https://www.cegeptr.qc.ca/", "Partenaire du projet"),
        (
            "Statistique Canada — Éducation",
            "https://www.statcan.gc.ca/fr/sujets-debut/education_formation_et_apprentissage",
            "Les chiffres de la diplomation",
        ),
    ),
    PRIVATE_SLUG: (),
}


@dataclass
class DemoNetwork:
    public_space: Space
    private_space: Space
    users: dict[str, User]
    categories: dict[str, dict[str, Category]]


@transaction.atomic
def seed_demo_network() -> DemoNetwork:
    admin = _user("admin", "Administration Carnet", ADMIN_PASSWORD)
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    users = {person.username: _person(person) for person in PEOPLE}

    public_space, _ = Space.objects.get_or_create(
        slug=PUBLIC_SLUG,
        defaults={
            "name": "Jeunes en projet",
            "tagline": "La communauté de pratique des intervenants en décrochage scolaire "
            "de la Mauricie",
            "description": "Un réseau où conseillers d'orientation, enseignants, travailleurs "
            "sociaux et chercheurs de la Mauricie échangent leurs savoirs, leurs expériences "
            "et leurs bons et mauvais coups pour que plus de jeunes terminent leurs études. "
            "Chacun lit, commente et écrit : c'est notre carnet commun.",
            "visibility": Space.Visibility.PUBLIC,
            "accent_color": "#1f6f8b",
        },
    )
    private_space, _ = Space.objects.get_or_create(
        slug=PRIVATE_SLUG,
        defaults={
            "name": "Comité de travail",
            "tagline": "Le groupe de travail de Jeunes en projet : stratégies et actions "
            "concertées",
            "description": "L'espace privé du comité qui prépare les rencontres, suit les "
            "projets et rédige les publications de la communauté.",
            "visibility": Space.Visibility.PRIVATE,
            "accent_color": "#7a4b94",
            "allow_self_join": False,
        },
    )
    for space in (public_space, private_space):
        Membership.objects.get_or_create(user=admin, space=space, defaults={"role": Role.OWNER})
    for person in PEOPLE:
        for space, role in (
            (public_space, person.public_role),
            (private_space, person.private_role),
        ):
            if role:
                Membership.objects.get_or_create(
                    user=users[person.username], space=space, defaults={"role": role}
                )

    categories: dict[str, dict[str, Category]] = {}
    for space in (public_space, private_space):
        categories[space.slug] = {}
        for position, (name, description) in enumerate(CATEGORIES[space.slug]):
            category, _ = Category.objects.get_or_create(
                space=space,
                name=name,
                defaults={
                    "slug": slugify(name),
                    "description": description,
                    "position": position,
                },
            )
            categories[space.slug][name] = category
        for position, (title, url, description) in enumerate(LINKS[space.slug]):
            Link.objects.get_or_create(
                space=space,
                url=url,
                defaults={"title": title, "description": description, "position": position},
            )
    return DemoNetwork(public_space, private_space, users, categories)


def _user(username: str, display_name: str, password: str) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display_name, "email": f"{username}@carnet.example"},
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _person(person: DemoPerson) -> User:
    user = _user(person.username, person.display_name, DEMO_PASSWORD)
    if not user.occupation:
        user.occupation = person.occupation
        user.organisation = person.organisation
        user.region = "Mauricie"
        user.bio = person.bio
        user.expertise = list(person.expertise)
        user.save()
    return user
