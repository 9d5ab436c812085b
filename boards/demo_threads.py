"""The demo's live threads: a monthly meeting of the community of practice, and the
transcript of the one before. Written through the services, safe to run again.
"""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from boards.models import LiveThread, Message, Space
from boards.services.threads import (
    message_post,
    reaction_toggle,
    thread_archive,
    thread_create,
)

MEETING_TITLE = "Rencontre mensuelle de la communauté — décembre"
PREVIOUS_TITLE = "Rencontre mensuelle de la communauté — novembre"

# (minutes after the start, author, text, index of the message answered or None,
#  reactions as {emoji: [usernames]})
MEETING = [
    (
        0,
        "marie",
        "Bonjour tout le monde ! On commence dans deux minutes, le temps que "
        "tout le monde se connecte. ☕",
        None,
        {"👍": ["jean", "sophie"]},
    ),
    (
        2,
        "marie",
        "**Ordre du jour**\n\n1. Tour de table des nouvelles\n"
        "2. Le projet de mentorat de l'École secondaire des Pionniers\n"
        "3. Colloque régional du printemps\n4. Décisions et suivis",
        None,
        {"👍": ["luc"]},
    ),
    (
        4,
        "marie",
        "On fait le tour de table : une nouvelle chacun, deux minutes max. "
        "@jean, tu veux commencer ?",
        None,
        {},
    ),
    (
        5,
        "jean",
        "Oui ! Nos élèves de troisième secondaire ont présenté leurs projets "
        "d'entrepreneuriat jeudi dernier. Trois équipes ont déjà un client réel.",
        None,
        {"🎉": ["marie", "sophie", "luc"], "❤️": ["sophie"]},
    ),
    (
        7,
        "sophie",
        "De mon côté, le groupe de parents de Shawinigan a repris : "
        "onze familles à la première rencontre, c'est le double de l'an passé.",
        None,
        {"🎉": ["marie", "jean"]},
    ),
    (
        8,
        "luc",
        "L'enquête sur les transitions primaire-secondaire avance : on a 412 "
        "réponses d'élèves. Je vous partage les premiers résultats en janvier.",
        None,
        {"👀": ["jean", "marie"]},
    ),
    (
        9,
        "marie",
        "Merci ! On passe au point 2, le mentorat aux Pionniers. Jean, tu "
        "nous rappelles le principe ?",
        None,
        {},
    ),
    (
        11,
        "jean",
        "Chaque élève à risque de décrochage est jumelé à un adulte de l'école "
        "(pas forcément un enseignant : concierge, secrétaire, technicienne). Une rencontre "
        "de quinze minutes par semaine, sans évaluation.",
        None,
        {"👍": ["sophie", "luc"]},
    ),
    (13, "sophie", "Combien d'élèves sont jumelés en ce moment ?", None, {}),
    (
        14,
        "jean",
        "Vingt-trois, avec dix-neuf adultes volontaires. Le défi, c'est de "
        "garder les rencontres quand la fin d'étape arrive.",
        8,
        {"🤔": ["marie"]},
    ),
    (
        16,
        "luc",
        "Est-ce que vous mesurez quelque chose ? L'assiduité, le sentiment "
        "d'appartenance ? Ça nous aiderait à comparer avec d'autres écoles.",
        None,
        {},
    ),
    (
        17,
        "jean",
        "L'assiduité oui, mois par mois. Le sentiment d'appartenance, pas encore "
        "de façon systématique.",
        10,
        {},
    ),
    (
        18,
        "luc",
        "Je peux vous prêter le court questionnaire qu'on utilise dans l'enquête "
        "(8 questions, 5 minutes). @jean on s'en parle cette semaine ?",
        None,
        {"❤️": ["jean"], "👍": ["marie"]},
    ),
    (
        20,
        "sophie",
        "Une idée : inviter les parents à une rencontre à la mi-année avec le "
        "mentor. Pour plusieurs familles que je suis, l'école fait peur ; un visage connu "
        "change tout.",
        None,
        {"🤔": ["jean"], "👍": ["marie", "luc"]},
    ),
    (
        22,
        "jean",
        "Très bonne idée. Il faudrait l'offrir en soirée et à la bibliothèque "
        "municipale plutôt qu'à l'école.",
        13,
        {"👍": ["sophie"]},
    ),
    (
        24,
        "marie",
        "On garde ça pour les décisions. Point 3 : le colloque régional. On a "
        "jusqu'au 15 janvier pour proposer un atelier.",
        None,
        {"👀": ["luc"]},
    ),
    (
        26,
        "luc",
        "Je propose un atelier à deux voix avec Jean : les résultats de "
        "l'enquête et le mentorat sur le terrain.",
        None,
        {"🎉": ["marie", "sophie"]},
    ),
    (27, "jean", "Partant !", 16, {"😂": ["sophie"], "👍": ["luc"]}),
    (
        30,
        "marie",
        "**Décisions**\n\n- Luc prête le questionnaire d'appartenance aux "
        "Pionniers ; premier relevé en février.\n- Sophie et Jean organisent une rencontre "
        "parents-mentors à la bibliothèque en février.\n- Luc et Jean soumettent l'atelier "
        "au colloque avant le 15 janvier.\n- Prochaine rencontre : jeudi 14 janvier, 9 h 30.",
        None,
        {"👍": ["jean", "sophie", "luc"], "🎉": ["jean"]},
    ),
    (
        31,
        "marie",
        "Je mets le compte rendu dans les archives de l'espace cet après-midi. "
        "Merci à toutes et à tous, belle fin de session !",
        None,
        {"❤️": ["jean", "sophie", "luc"]},
    ),
    (32, "sophie", "Merci Marie ! Bon temps des fêtes à l'avance. 🎄", None, {"❤️": ["marie"]}),
]

PREVIOUS = [
    (
        0,
        "marie",
        "Bonjour ! Ordre du jour : bilan de la rentrée, puis la présentation de "
        "Sophie sur le travail avec les familles.",
        None,
        {"👍": ["jean"]},
    ),
    (
        3,
        "jean",
        "La rentrée s'est bien passée, mais on a déjà six élèves qui manquent plus "
        "d'une journée par semaine.",
        None,
        {"👀": ["marie"]},
    ),
    (
        8,
        "sophie",
        "Je vous ai mis mes diapositives dans un article de l'espace. L'idée "
        "centrale : aller vers les familles plutôt que les convoquer.",
        None,
        {"❤️": ["marie", "jean"]},
    ),
    (
        15,
        "marie",
        "Décision : on invite Sophie au comité des Pionniers en décembre. Merci à tous !",
        None,
        {"👍": ["jean", "sophie"]},
    ),
]


def _seed(
    space: Space,
    users: dict[str, User],
    *,
    title: str,
    description: str,
    script: list,
    starts_at,
) -> LiveThread:
    host = users["marie"]
    thread = thread_create(actor=host, space=space, title=title, description=description)
    posted: list[Message] = []
    for minutes, author, text, answered, reactions in script:
        reply_to = posted[answered] if answered is not None else None
        message = message_post(author=users[author], thread=thread, body=text, reply_to=reply_to)
        for emoji, people in reactions.items():
            for username in people:
                reaction_toggle(actor=users[username], message=message, emoji=emoji)
        # The meeting happened at its time, not at the second the demo was seeded.
        when = starts_at + timedelta(minutes=minutes)
        Message.objects.filter(pk=message.pk).update(created_at=when)
        posted.append(message)
    last = starts_at + timedelta(minutes=script[-1][0])
    LiveThread.objects.filter(pk=thread.pk).update(
        created_at=starts_at - timedelta(days=2), last_activity_at=last
    )
    thread.refresh_from_db()
    return thread


@transaction.atomic
def seed_demo_threads(space: Space, users: dict[str, User]) -> list[LiveThread]:
    """The demo space's live threads, created once: the meeting that just took place
    (open, with messages, replies, reactions and mentions) and last month's transcript."""
    existing = {thread.title: thread for thread in LiveThread.objects.filter(space=space)}
    threads = []
    now = timezone.now()
    if PREVIOUS_TITLE in existing:
        threads.append(existing[PREVIOUS_TITLE])
    else:
        previous = _seed(
            space,
            users,
            title=PREVIOUS_TITLE,
            description="Bilan de la rentrée et travail avec les familles.",
            script=PREVIOUS,
            starts_at=now - timedelta(days=28, minutes=40),
        )
        thread_archive(actor=users["marie"], thread=previous)
        threads.append(previous)
    if MEETING_TITLE in existing:
        threads.append(existing[MEETING_TITLE])
    else:
        threads.append(
            _seed(
                space,
                users,
                title=MEETING_TITLE,
                description="Tour de table, le mentorat aux Pionniers, le colloque "
                "régional, décisions.",
                script=MEETING,
                starts_at=now - timedelta(minutes=45),
            )
        )
    return threads
