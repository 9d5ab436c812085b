"""The demo space's articles, comments and replies, written through the services.

`seed_demo_articles` is called by `manage.py seed_demo` after the demo network exists;
it can run again and again: an article already in the space (same title) is left as it
is, with its comments.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from boards.models import Article, Category, Comment, Space
from boards.permissions import Action, can
from boards.services.articles import article_create
from boards.services.comments import comment_create


@dataclass(frozen=True)
class DemoComment:
    author: str
    body: str
    hours_after: float
    replies: tuple["DemoComment", ...] = ()


@dataclass(frozen=True)
class DemoArticle:
    title: str
    category: str
    author: str
    days_ago: int
    tags: str
    body: str
    comments: tuple[DemoComment, ...] = field(default_factory=tuple)


ARTICLES = (
    DemoArticle(
        title="Qui appeler quand un élève ne vient plus ? Petit guide des ressources",
        category="Intervenants",
        author="marie",
        days_ago=152,
        tags="ressources, concertation, Mauricie",
        body="""Chaque automne, la même question revient dans nos rencontres : *un élève
manque depuis deux semaines, les parents ne répondent pas, qui appelle-t-on en premier ?*
Voici la liste que nous avons construite ensemble lors de la rencontre de septembre.
Elle n'est pas complète : ajoutez vos ressources en commentaire.

## À l'école

- **La direction adjointe** du niveau : c'est elle qui ouvre le dossier d'absentéisme.
- **Le ou la TES** qui connaît l'élève : souvent la personne qui a le meilleur lien.
- **La conseillère d'orientation** quand l'absence cache une question de sens
  (« à quoi ça sert ? »).

## Autour de l'école

- **L'intervenant·e jeunesse du CIUSSS** pour les situations familiales complexes.
- **Les maisons des jeunes** de Trois-Rivières, Shawinigan et La Tuque : elles voient
  souvent les jeunes que l'école ne voit plus.
- **Le Carrefour jeunesse-emploi** pour les 16 ans et plus qui pensent déjà à travailler.

> Le plus important n'est pas d'appeler la bonne personne du premier coup, c'est de ne
> pas attendre que quelqu'un d'autre appelle.

Je mettrai ce billet à jour au fil de vos suggestions.""",
        comments=(
            DemoComment(
                "sophie",
                "Merci Marie. J'ajouterais **le travailleur de rue** de Shawinigan : il "
                "rejoint les jeunes qui ne fréquentent ni l'école ni la maison des jeunes.",
                5,
                replies=(
                    DemoComment(
                        "marie", "Excellente idée, je l'ajoute. As-tu ses coordonnées ?", 7
                    ),
                    DemoComment(
                        "sophie",
                        "Je te les envoie par courriel, il préfère ne pas être "
                        "affiché publiquement.",
                        8,
                    ),
                ),
            ),
            DemoComment(
                "jean",
                "De notre côté, la secrétaire de l'école est souvent la première à "
                "remarquer les absences répétées. On l'oublie dans nos schémas !",
                30,
            ),
        ),
    ),
    DemoArticle(
        title="Un atelier de menuiserie qui a ramené huit élèves en classe",
        category="Expériences positives",
        author="jean",
        days_ago=121,
        tags="projets pédagogiques, motivation, adaptation scolaire",
        body="""L'an dernier, j'avais un groupe de douze élèves de 15 et 16 ans en
adaptation scolaire. En octobre, huit d'entre eux manquaient plus d'une journée par
semaine. En juin, ils étaient tous là, ou presque. Voici ce que nous avons fait.

## Le projet

Avec l'enseignant d'ÉPI et un menuisier retraité du quartier, nous avons construit
**des bancs pour la cour de l'école primaire voisine**. Chaque banc demandait des
mesures, des calculs de coûts, un plan, une lettre à la direction du primaire et une
présentation aux élèves de sixième année.

Les mathématiques et le français n'étaient plus des matières : c'étaient des outils.

## Ce qui a fait la différence

1. **Un vrai client** : les élèves du primaire attendaient leurs bancs.
2. **Un adulte de plus** : le menuisier ne notait personne. Il disait « c'est croche,
   recommence », et ils recommençaient.
3. **Une trace visible** : les bancs sont encore là. Trois élèves sont allés les montrer
   à leurs parents.

Ce n'est pas une recette magique, et deux élèves ont quand même quitté en cours
d'année. Mais je ne reviendrai pas en arrière.""",
        comments=(
            DemoComment(
                "luc",
                "Très beau projet. Ce que tu décris correspond bien à ce qu'on appelle en "
                "recherche le **sentiment de compétence** : faire quelque chose d'utile, "
                "qui se voit. As-tu noté les absences semaine par semaine ? Ça ferait une "
                "belle petite étude de cas.",
                6,
                replies=(
                    DemoComment(
                        "jean",
                        "Oui, j'ai tout dans le registre. On s'en parle à la prochaine rencontre ?",
                        9,
                    ),
                ),
            ),
            DemoComment(
                "marie",
                "Je garde l'idée du « vrai client » pour nos projets d'orientation. Merci Jean !",
                26,
            ),
            DemoComment(
                "sophie",
                "Deux des élèves sont suivis chez nous. Leurs mères m'ont parlé des bancs "
                "avant même que je sache que le projet existait.",
                50,
            ),
        ),
    ),
    DemoArticle(
        title="Les signaux faibles du décrochage : ce que l'absentéisme nous dit",
        category="Le décrochage",
        author="luc",
        days_ago=96,
        tags="absentéisme, dépistage, secondaire, recherche",
        body="""On parle souvent du décrochage comme d'un événement : un jour, le jeune
ne revient plus. La recherche montre plutôt un **processus**, qui commence des années
plus tôt et laisse des traces.

## Trois signaux à surveiller ensemble

- **Les absences partielles** : arriver en retard, manquer toujours le même cours,
  partir après le dîner. Elles passent sous le radar des bilans mensuels.
- **La baisse de résultats en secondaire 1 et 2**, surtout en français.
- **L'isolement** : moins d'amis à l'école, moins d'activités parascolaires.

Aucun de ces signaux ne suffit seul. C'est leur **combinaison** qui doit nous alerter.

## Une proposition

Plusieurs écoles de la région ont des données d'assiduité fines, par période. Je
propose de regarder ensemble, de façon anonyme, les parcours de cohortes passées :
qu'est-ce qui précédait les départs ? Les conseillers d'orientation et les TES qui
voudraient participer peuvent m'écrire.""",
        comments=(
            DemoComment(
                "marie",
                "Oui pour le projet ! Il faudra passer par le comité d'éthique du centre "
                "de services, mais je peux faire le lien.",
                4,
            ),
            DemoComment(
                "jean",
                "Les absences partielles, c'est exactement ce que je vois : toujours le "
                "cours de maths du lundi matin. On ne le remarque qu'en novembre.",
                20,
                replies=(
                    DemoComment(
                        "luc",
                        "C'est un exemple parfait. Ce genre de régularité est un signal en soi.",
                        22,
                    ),
                ),
            ),
        ),
    ),
    DemoArticle(
        title="Ce que la recherche dit des facteurs de protection",
        category="Experts",
        author="luc",
        days_ago=84,
        tags="recherche, facteurs de protection, familles",
        body="""Après le billet sur les signaux faibles, plusieurs m'ont demandé : *et
qu'est-ce qui protège ?* Voici une synthèse de lectures, sans prétention d'exhaustivité.

## Ce qui revient le plus souvent

1. **Une relation significative avec au moins un adulte de l'école.** C'est le facteur
   le plus constant, et celui sur lequel nous avons le plus de prise.
2. **L'engagement des parents**, même modeste : demander comment s'est passée la
   journée compte davantage que l'aide aux devoirs.
3. **Un projet d'avenir**, même flou. Le jeune qui se voit « quelque part » dans cinq
   ans tient mieux le coup.
4. **Le sentiment d'appartenance** : un groupe, une équipe, un local où l'on est
   attendu.

## Ce que ça veut dire pour nous

On ne change pas le revenu des familles ni le quartier. Mais on peut multiplier les
occasions de relation : un mot dans le corridor, un dîner avec un groupe, un appel aux
parents *pour une bonne nouvelle*.

Références détaillées sur demande ; je les déposerai aussi dans le comité.""",
        comments=(
            DemoComment(
                "sophie",
                "L'appel aux parents pour une bonne nouvelle : dans les familles que "
                "j'accompagne, certains parents n'en ont **jamais** reçu. Ça change "
                "complètement la suite.",
                10,
            ),
            DemoComment(
                "jean",
                "Le point 1 me rassure et m'inquiète à la fois. Un seul adulte, c'est peu "
                "et c'est beaucoup.",
                28,
                replies=(
                    DemoComment(
                        "marie",
                        "C'est pour ça qu'on doit se parler entre adultes : pour "
                        "savoir qui est « l'adulte » de chaque jeune.",
                        31,
                    ),
                ),
            ),
        ),
    ),
    DemoArticle(
        title="Décrocher, raccrocher : le parcours de Kevin, 17 ans",
        category="Le décrochage",
        author="sophie",
        days_ago=71,
        tags="raccrochage, témoignage, familles",
        body="""Kevin (ce n'est pas son vrai nom) a quitté l'école en secondaire 3, en
plein mois de mars. Il m'a autorisée à raconter son parcours, en espérant que ça serve
à d'autres.

## Avant

Un père malade, une mère qui travaille de nuit, deux petites sœurs à faire déjeuner le
matin. Kevin arrivait en retard, puis plus du tout. *Personne ne m'a demandé pourquoi*,
m'a-t-il dit. Ce n'est pas tout à fait vrai : on le lui a demandé, mais toujours sur le
ton du reproche.

## Pendant

Huit mois dans un entrepôt, à temps plein. De l'argent pour la famille, une fierté
réelle, puis le dos qui lâche.

## Après

Il est revenu à l'éducation des adultes en janvier. Ce qui l'a ramené : **une
enseignante qui l'a reconnu à l'épicerie** et qui lui a dit qu'elle le trouvait bon en
sciences.

> « J'avais oublié que j'étais bon dans quelque chose. »

Je n'ai pas de conclusion. Seulement cette phrase, que je relis souvent.""",
        comments=(
            DemoComment(
                "marie",
                "Merci Sophie, et merci à Kevin. Une phrase à l'épicerie… ça remet les "
                "choses en perspective.",
                3,
            ),
            DemoComment(
                "luc",
                "Son histoire illustre bien les *facteurs de poussée* (hors de l'école) "
                "autant que de *retrait*. On sous-estime les responsabilités familiales "
                "des garçons aînés.",
                12,
                replies=(
                    DemoComment(
                        "sophie",
                        "Tout à fait. Et elles sont invisibles dans les dossiers scolaires.",
                        14,
                    ),
                    DemoComment(
                        "jean",
                        "J'ai trois Kevin dans mon groupe cette année. Je vais "
                        "leur poser la question autrement.",
                        40,
                    ),
                ),
            ),
        ),
    ),
    DemoArticle(
        title="La conseillère d'orientation n'est pas (seulement) là pour le choix de carrière",
        category="Intervenants",
        author="marie",
        days_ago=63,
        tags="approche orientante, orientation",
        body="""« Je n'ai pas besoin de voir la c.o., je ne sais pas ce que je veux
faire. » Je l'entends chaque semaine, et c'est justement la meilleure raison de venir
me voir.

## Ce que je fais vraiment

- Aider un jeune à **se connaître** : ce qu'il aime, ce qui l'épuise, ce qui le fait
  rester à l'école.
- **Relier les cours à quelque chose** : pourquoi les fractions, pourquoi l'histoire.
- Accompagner les **transitions** : primaire–secondaire, secondaire–cégep ou DEP, et
  les retours aux études.

## Comment me référer un élève

Pas besoin d'un formulaire : un courriel ou un mot dans mon casier suffit. Dites-moi
simplement ce que vous avez observé. Je m'occupe du reste, et je vous donne des
nouvelles (dans le respect de la confidentialité).""",
        comments=(
            DemoComment(
                "jean",
                "Je vais afficher ce billet dans la salle des enseignants, si tu permets.",
                2,
                replies=(DemoComment("marie", "Avec plaisir !", 3),),
            ),
            DemoComment(
                "sophie",
                "Côté CIUSSS, on réfère rarement à l'orientation. On devrait le faire "
                "plus souvent pour les jeunes qui se cherchent.",
                22,
            ),
        ),
    ),
    DemoArticle(
        title="Petits-déjeuners et grandes conversations à Louiseville",
        category="Expériences positives",
        author="sophie",
        days_ago=56,
        tags="familles, alimentation, lien école-communauté",
        body="""Depuis la rentrée, une fois par semaine, des parents bénévoles servent
le petit-déjeuner à l'école secondaire de Louiseville. L'idée venait d'une mère qui
trouvait que son fils « partait le ventre vide et revenait le cœur vide ».

## Ce que nous observons

- Une trentaine d'élèves chaque mardi, dont plusieurs qui arrivaient en retard avant.
- Des conversations qu'on n'aurait jamais eues dans un bureau : sur le hockey, sur les
  frères et sœurs, sur le travail à temps partiel.
- Des parents qui connaissent maintenant le personnel par son prénom.

## Ce qui reste difficile

Trouver des bénévoles le matin, quand on travaille. Et tenir le coup budgétairement :
un commerçant local fournit le pain, mais le reste sort de la poche de l'école.

Si d'autres écoles de la région veulent essayer, je partage volontiers notre
organisation (horaire, liste d'épicerie, consignes d'hygiène).""",
        comments=(
            DemoComment(
                "jean",
                "« Le ventre vide et le cœur vide »… Cette mère a tout compris.",
                4,
            ),
            DemoComment(
                "marie",
                "Je connais une fondation qui finance ce genre de projet. Je t'envoie les "
                "informations.",
                18,
                replies=(DemoComment("sophie", "Merci, ce serait précieux !", 20),),
            ),
        ),
    ),
    DemoArticle(
        title="Les garçons de 15 ans et l'école : un décrochage qui commence en silence",
        category="Le décrochage",
        author="jean",
        days_ago=41,
        tags="garçons, motivation, secondaire",
        body="""Dans mes groupes, ce sont surtout des garçons qui partent. Pas avec
fracas : ils disparaissent doucement. Quelques réflexions, à discuter.

## Ce que je remarque

- Ils ne demandent **pas d'aide**. Demander, c'est avouer qu'on ne comprend pas.
- Ils parlent d'argent très tôt : une job au dépanneur, « c'est du concret ».
- Ils se réveillent quand on bouge : sortie, atelier, projet avec les mains.

## Ce que j'essaie

Des tâches courtes, avec un résultat visible. Des rôles dans la classe (responsable du
matériel, chronométreur). Et surtout, **leur parler seul à seul**, deux minutes, sans
public.

Je ne sais pas si c'est la bonne lecture. Les chercheurs du groupe ont peut-être des
nuances à apporter.""",
        comments=(
            DemoComment(
                "luc",
                "Les données vont dans ton sens : l'écart entre garçons et filles est "
                "réel. Attention toutefois à ne pas oublier les filles qui décrochent, "
                "plus silencieusement encore, souvent pour des raisons familiales.",
                8,
                replies=(
                    DemoComment(
                        "jean",
                        "Juste. Je me rends compte que je les vois moins, justement.",
                        11,
                    ),
                ),
            ),
            DemoComment(
                "sophie",
                "Le « seul à seul sans public », c'est la clé avec les ados que je "
                "rencontre aussi.",
                26,
            ),
        ),
    ),
    DemoArticle(
        title="Travailler en duo enseignant et travailleuse sociale : ce que nous avons appris",
        category="Intervenants",
        author="sophie",
        days_ago=33,
        tags="concertation, intervention de milieu",
        body="""Depuis septembre, je passe deux demi-journées par semaine dans la classe
de Jean. Pas dans un bureau : **dans la classe**. Bilan à mi-parcours.

## Ce qui fonctionne

- Les élèves me voient avant d'avoir un problème. Quand le problème arrive, on se
  connaît déjà.
- Jean et moi partageons nos lectures d'une même situation. Souvent, chacun n'avait
  que la moitié de l'histoire.

## Ce qui frotte

- **La confidentialité** : je ne peux pas tout dire à Jean, et ce n'est pas toujours
  simple à expliquer.
- Le temps : deux demi-journées, c'est peu pour quinze élèves.

## À essayer ailleurs

Commencer petit, avec une seule classe et un enseignant volontaire. Se donner une
rencontre de quinze minutes par semaine, sans faute.""",
        comments=(
            DemoComment(
                "jean",
                "Je confirme tout, y compris la frustration sur la confidentialité. Mais "
                "j'ai appris à faire confiance.",
                3,
            ),
            DemoComment(
                "marie",
                "On pourrait présenter ce duo au colloque régional du printemps ?",
                21,
                replies=(
                    DemoComment("sophie", "Avec plaisir, si Jean est partant.", 24),
                    DemoComment("jean", "Partant !", 25),
                ),
            ),
        ),
    ),
    DemoArticle(
        title="Le mentorat par des cégépiens : bilan d'une première année",
        category="Expériences positives",
        author="marie",
        days_ago=26,
        tags="mentorat, transition, cégep",
        body="""L'an dernier, quinze étudiants du Cégep de Trois-Rivières ont accompagné
chacun un élève de secondaire 4, une heure par semaine. Voici les premiers constats.

## Les chiffres

- 15 duos formés, **12 toujours actifs en mai**.
- 11 élèves sur 15 ont fait une demande d'admission au cégep ou en formation
  professionnelle, contre environ la moitié dans les groupes comparables.

## Les mots

> « Il m'a montré sa chambre à la résidence. Je ne savais pas que c'était possible,
> d'habiter là. »

Le mentor n'est ni un enseignant ni un parent : il a **quatre ans de plus**, il a eu
les mêmes profs, il a douté lui aussi.

## L'an prochain

Nous voulons doubler le nombre de duos et former mieux les mentors à l'écoute. Les
écoles intéressées peuvent me contacter.""",
        comments=(
            DemoComment(
                "luc",
                "Des résultats encourageants. Pour l'évaluation de l'an prochain, je peux "
                "aider à construire un groupe de comparaison plus solide.",
                5,
                replies=(DemoComment("marie", "Oui, j'y comptais bien !", 6),),
            ),
            DemoComment(
                "jean",
                "Deux de mes anciens élèves ont été mentorés. Ils en parlent encore.",
                30,
            ),
        ),
    ),
    DemoArticle(
        title="Lecture : notes et questions pour notre prochaine rencontre",
        category="Experts",
        author="luc",
        days_ago=15,
        tags="lecture, recherche, rencontre",
        body="""Pour la rencontre du mois prochain, je propose de discuter d'un chapitre
sur l'**engagement scolaire** (je le déposerai dans l'espace du comité). En attendant,
voici mes notes de lecture.

## Trois idées fortes

1. L'engagement a **trois dimensions** : comportementale (être là, participer),
   affective (aimer l'école, s'y sentir bien) et cognitive (faire l'effort de
   comprendre).
2. Les interventions efficaces visent souvent une seule dimension, alors que le
   décrochage les touche toutes.
3. Les élèves qui « décrochent de l'intérieur » sont présents mais absents : on les
   repère mal.

## Questions pour la discussion

- Dans nos milieux, quelle dimension travaille-t-on le plus ? Le moins ?
- Comment repérer l'élève présent mais désengagé ?
- Qu'est-ce qu'un projet comme celui de Jean (les bancs) touche, dans ce modèle ?""",
        comments=(
            DemoComment(
                "marie",
                "Super préparation, merci. Je mets ces questions à l'ordre du jour.",
                6,
            ),
            DemoComment(
                "sophie",
                "La dimension affective est souvent celle qu'on laisse aux TES et aux "
                "TS. Ça mérite discussion !",
                19,
            ),
        ),
    ),
    DemoArticle(
        title="Des stages d'un jour en entreprise pour les élèves de FPT",
        category="Expériences positives",
        author="marie",
        days_ago=8,
        tags="approche orientante, stages, emploi",
        body="""En novembre, vingt élèves de la formation préparatoire au travail ont
passé une journée complète dans une entreprise de la région : garage, épicerie,
imprimerie, CPE, ferme laitière.

## L'organisation

- Un **jumelage** fait avec les élèves, selon leurs intérêts, pas selon les places
  disponibles.
- Une préparation en classe : se présenter, poser trois questions, noter ce qu'on voit.
- Un **retour en groupe** le lendemain, le moment le plus riche.

## Ce qu'ils ont rapporté

« Le garagiste fait des maths toute la journée. » « À la ferme, on commence à 5 h, je
ne pourrais pas. » « L'imprimeur m'a dit de revenir l'été prochain. »

Quatre employeurs nous ont déjà demandé de refaire l'expérience au printemps.""",
        comments=(
            DemoComment(
                "jean",
                "« Le garagiste fait des maths toute la journée » : je le mets au mur de "
                "ma classe.",
                2,
                replies=(DemoComment("marie", "Je savais que celle-là te plairait.", 4),),
            ),
            DemoComment(
                "luc",
                "Le retour en groupe est souvent négligé dans ce genre de projet. Bravo "
                "d'en avoir fait un temps fort.",
                20,
            ),
        ),
    ),
)


_BLOCK_START = re.compile(r"^(#|- |\* |\d+\. |> |\||```)")


def _unwrap(markdown: str) -> str:
    """Join the lines this file wraps for reading, so the editor shows whole paragraphs."""
    lines: list[str] = []
    for line in markdown.splitlines():
        previous = lines[-1] if lines else ""
        if line.startswith("> ") and previous.startswith("> "):
            lines[-1] = f"{previous} {line[2:]}"
        elif line and previous and not _BLOCK_START.match(line) and not previous.startswith("#"):
            lines[-1] = f"{previous} {line.strip()}"
        else:
            lines.append(line)
    return "\n".join(lines)


def _writer(authors: dict[str, User], name: str, space: Space, action: Action) -> User | None:
    """The demo person `name`, or else any given author who may act in the space."""
    preferred = authors.get(name)
    if preferred is not None and can(preferred, action, space):
        return preferred
    return next((user for user in authors.values() if can(user, action, space)), None)


def _category(categories: dict[str, Category], name: str, space: Space) -> Category | None:
    found = categories.get(name)
    if found is None:
        found = next((c for c in categories.values() if c.name == name), None)
    return found or space.categories.filter(name=name).first()


def _published_at(days_ago: int, index: int) -> datetime:
    # Mornings and evenings on weekdays, as a real community writes.
    moment = timezone.localtime(timezone.now() - timedelta(days=days_ago))
    hour = (8, 12, 19, 21)[index % 4]
    return moment.replace(hour=hour, minute=(index * 17) % 60, second=0, microsecond=0)


PRIVATE_ARTICLES = (
    DemoArticle(
        title="Ordre du jour de la rencontre de décembre",
        category="Ordres du jour",
        author="marie",
        days_ago=6,
        tags="rencontre, colloque",
        body="""Rencontre du comité le jeudi 10 décembre, de 9 h à 11 h, en visioconférence.

1. Bilan du projet de mentorat aux Pionniers (Jean)
2. Préparation du colloque régional du printemps : thèmes et conférenciers
3. Recrutement de nouveaux membres pour la communauté
4. Divers

Ajoutez vos points en commentaire d'ici mardi.""",
        comments=(
            DemoComment(
                "sophie",
                "J'aimerais ajouter un point sur les familles de La Tuque : "
                "elles demandent une rencontre en soirée.",
                5,
            ),
        ),
    ),
    DemoArticle(
        title="Compte rendu : rencontre de novembre",
        category="Comptes rendus",
        author="jean",
        days_ago=27,
        tags="rencontre, mentorat",
        body="""Présents : Marie, Jean, Sophie, Claire.

- **Mentorat** : 23 élèves jumelés, 19 adultes bénévoles. On garde le même format
  jusqu'en juin.
- **Colloque** : Marie contacte l'UQTR pour une conférence d'ouverture.
- **Communauté** : on vise 25 membres actifs d'ici la fin de l'année scolaire.

Prochaine rencontre : le 10 décembre.""",
    ),
)


@transaction.atomic
def seed_demo_articles(
    space: Space,
    authors: dict[str, User],
    categories: dict[str, Category],
    articles: tuple[DemoArticle, ...] = ARTICLES,
) -> list[Article]:
    """Publish the demo articles missing from `space`, with their tags and comments.

    `authors` maps usernames (marie, jean, sophie, luc) to users who are members of the
    space; `categories` maps category names to the space's categories. Returns the
    articles created by this call (none when everything is already there).
    """
    created = []
    for index, demo in enumerate(articles):
        if Article.objects.filter(space=space, title=demo.title).exists():
            continue
        author = _writer(authors, demo.author, space, Action.WRITE_ARTICLE)
        if author is None:
            break
        article = article_create(
            author=author,
            space=space,
            title=demo.title,
            body=_unwrap(demo.body),
            category=_category(categories, demo.category, space),
            tags=demo.tags,
            publish=True,
        )
        published_at = _published_at(demo.days_ago, index)
        Article.objects.filter(pk=article.pk).update(
            published_at=published_at, created_at=published_at, updated_at=published_at
        )
        for comment in demo.comments:
            _seed_comment(space, authors, article, comment, published_at, parent=None)
        created.append(article)
    return created


def _seed_comment(
    space: Space,
    authors: dict[str, User],
    article: Article,
    demo: DemoComment,
    published_at: datetime,
    parent: Comment | None,
) -> None:
    author = _writer(authors, demo.author, space, Action.COMMENT)
    if author is None:
        return
    comment = comment_create(author=author, article=article, body=demo.body, parent=parent)
    created_at = min(published_at + timedelta(hours=demo.hours_after), timezone.now())
    Comment.objects.filter(pk=comment.pk).update(created_at=created_at)
    for reply in demo.replies:
        _seed_comment(space, authors, article, reply, published_at, parent=comment)
