"""The demo network that `manage.py seed_demo` creates: safe to run again and again."""

from dataclasses import dataclass

from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from accounts.services import user_create
from boards.models import Category, Role, Space
from boards.services.spaces import category_create, link_create, membership_add, space_create

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
    """Create what is missing of the demo network, through the services."""
    admin = User.objects.filter(username="admin").first() or user_create(
        username="admin",
        password=ADMIN_PASSWORD,
        email="admin@example.org",
        display_name="Administration Carnet",
        is_staff=True,
        is_superuser=True,
    )
    users = {person.username: _person(person) for person in PEOPLE}

    public_space = Space.objects.filter(slug=PUBLIC_SLUG).first() or space_create(
        creator=admin,
        slug=PUBLIC_SLUG,
        name="Jeunes en projet",
        tagline="La communauté de pratique des intervenants en décrochage scolaire de la Mauricie",
        description="Un réseau où conseillers d'orientation, enseignants, travailleurs "
        "sociaux et chercheurs de la Mauricie échangent leurs savoirs, leurs expériences "
        "et leurs bons et mauvais coups pour que plus de jeunes terminent leurs études. "
        "Chacun lit, commente et écrit : c'est notre carnet commun.",
        visibility=Space.Visibility.PUBLIC,
        accent_color="#1f6f8b",
    )
    private_space = Space.objects.filter(slug=PRIVATE_SLUG).first() or space_create(
        creator=admin,
        slug=PRIVATE_SLUG,
        name="Comité de travail",
        tagline="Le groupe de travail de Jeunes en projet : stratégies et actions concertées",
        description="L'espace privé du comité qui prépare les rencontres, suit les "
        "projets et rédige les publications de la communauté.",
        visibility=Space.Visibility.PRIVATE,
        accent_color="#7a4b94",
        allow_self_join=False,
    )
    for person in PEOPLE:
        for space, role in (
            (public_space, person.public_role),
            (private_space, person.private_role),
        ):
            if role:
                membership_add(actor=admin, space=space, user=users[person.username], role=role)

    categories: dict[str, dict[str, Category]] = {}
    for space in (public_space, private_space):
        categories[space.slug] = {}
        for position, (name, description) in enumerate(CATEGORIES[space.slug]):
            categories[space.slug][name] = space.categories.filter(
                slug=slugify(name)
            ).first() or category_create(
                actor=admin, space=space, name=name, description=description, position=position
            )
        for position, (title, url, description) in enumerate(LINKS[space.slug]):
            if not space.links.filter(url=url).exists():
                link_create(
                    actor=admin,
                    space=space,
                    title=title,
                    url=url,
                    description=description,
                    position=position,
                )
    return DemoNetwork(public_space, private_space, users, categories)


def _person(person: DemoPerson) -> User:
    existing = User.objects.filter(username=person.username).first()
    if existing:
        return existing
    return user_create(
        username=person.username,
        password=DEMO_PASSWORD,
        email=f"{person.username}@example.org",
        display_name=person.display_name,
        occupation=person.occupation,
        organisation=person.organisation,
        region="Mauricie",
        bio=person.bio,
        expertise=list(person.expertise),
    )
