"""The demo's extra questions (issue 18): three questions of the application form and one of
the report in the current edition, in the nine languages, and answers to them from its
proposals (chosen by their ids: the same on every build)."""

from events.models import Answer, Proposal, Report
from programmes.models import Edition, Question, QuestionChoice

from . import translations

REFUGEES = {
    "en": "Does your event reach young refugees?",
    "de": "Erreicht Ihre Veranstaltung junge Geflüchtete?",
    "fr": "Votre événement touche-t-il de jeunes réfugiés ?",
    "nl": "Bereikt uw evenement jonge vluchtelingen?",
    "it": "Il suo evento raggiunge giovani rifugiati?",
    "pl": "Czy wydarzenie dociera do młodych uchodźców?",
    "ro": "Evenimentul dumneavoastră ajunge la tineri refugiați?",
    "es": "¿Su evento llega a jóvenes refugiados?",
    "uk": "Чи охоплює ваша подія молодих біженців?",
}
GIRLS = {
    "en": "How many girls do you expect?",
    "de": "Wie viele Mädchen erwarten Sie?",
    "fr": "Combien de filles attendez-vous ?",
    "nl": "Hoeveel meisjes verwacht u?",
    "it": "Quante ragazze prevede?",
    "pl": "Ile dziewcząt się spodziewasz?",
    "ro": "Câte fete așteptați?",
    "es": "¿Cuántas chicas espera?",
    "uk": "Скільки дівчат ви очікуєте?",
}
HEARD = {
    "en": "How did you hear about Meet and Code?",
    "de": "Wie haben Sie von Meet and Code erfahren?",
    "fr": "Comment avez-vous connu Meet and Code ?",
    "nl": "Hoe hebt u over Meet and Code gehoord?",
    "it": "Come ha conosciuto Meet and Code?",
    "pl": "Skąd wiesz o Meet and Code?",
    "ro": "Cum ați aflat de Meet and Code?",
    "es": "¿Cómo conoció Meet and Code?",
    "uk": "Як ви дізналися про Meet and Code?",
}
AGAIN = {
    "en": "Would you run the event again?",
    "de": "Würden Sie die Veranstaltung wieder durchführen?",
    "fr": "Organiseriez-vous à nouveau l’événement ?",
    "nl": "Zou u het evenement opnieuw organiseren?",
    "it": "Organizzerebbe di nuovo l’evento?",
    "pl": "Czy zorganizowałbyś to wydarzenie ponownie?",
    "ro": "Ați organiza din nou evenimentul?",
    "es": "¿Volvería a organizar el evento?",
    "uk": "Чи провели б ви подію знову?",
}
HEARD_CHOICES = [
    {"en": "Our national partner", "de": "Über unseren nationalen Partner",
     "fr": "Par notre partenaire national", "nl": "Via onze nationale partner",
     "it": "Dal nostro partner nazionale", "pl": "Od krajowego partnera",
     "ro": "De la partenerul național", "es": "Por nuestro socio nacional",
     "uk": "Від національного партнера"},
    {"en": "Social media", "de": "Soziale Medien", "fr": "Réseaux sociaux",
     "nl": "Sociale media", "it": "Social media", "pl": "Media społecznościowe",
     "ro": "Rețele sociale", "es": "Redes sociales", "uk": "Соціальні мережі"},
    {"en": "An earlier edition", "de": "Eine frühere Ausgabe", "fr": "Une édition précédente",
     "nl": "Een eerdere editie", "it": "Un’edizione precedente", "pl": "Wcześniejsza edycja",
     "ro": "O ediție anterioară", "es": "Una edición anterior", "uk": "Попередній випуск"},
]  # fmt: skip


def build(edition: Edition) -> int:
    """The questions of ``edition`` and the answers of its proposals; returns the rows."""
    refugees = Question.objects.create(
        edition=edition, section=Question.Section.AUDIENCE, kind=Question.Kind.YES_NO,
        required=True, position=1, **translations.columns("text", REFUGEES),
    )  # fmt: skip
    girls = Question.objects.create(
        edition=edition, section=Question.Section.AUDIENCE, kind=Question.Kind.NUMBER,
        min_value=0, max_value=500, position=2, **translations.columns("text", GIRLS),
    )  # fmt: skip
    heard = Question.objects.create(
        edition=edition, section=Question.Section.EVENT, kind=Question.Kind.SINGLE_CHOICE,
        position=1, **translations.columns("text", HEARD),
    )  # fmt: skip
    choices = [
        QuestionChoice.objects.create(
            question=heard, position=n, **translations.columns("label", labels)
        )
        for n, labels in enumerate(HEARD_CHOICES, start=1)
    ]
    proposals = Proposal.objects.filter(country_programme__edition=edition).order_by("pk")
    answers = []
    for proposal in proposals.only("pk", "expected_participants"):
        answers.append(Answer(proposal=proposal, question=refugees, value=proposal.pk % 3 == 0))
        if proposal.expected_participants:
            girls_expected = proposal.expected_participants * (proposal.pk % 5 + 3) // 10
            answers.append(Answer(proposal=proposal, question=girls, value=girls_expected))
        choice = choices[proposal.pk % len(choices)]
        answers.append(Answer(proposal=proposal, question=heard, value=choice.pk))
    again = Question.objects.create(
        edition=edition, form=Question.Form.REPORT, section=Question.Section.REPORT,
        kind=Question.Kind.YES_NO, position=1, **translations.columns("text", AGAIN),
    )  # fmt: skip
    reported = proposals.filter(report__isnull=False).exclude(report__status=Report.Status.DRAFT)
    answers += [
        Answer(proposal=proposal, question=again, value=proposal.pk % 4 != 0)
        for proposal in reported.only("pk")
    ]
    Answer.objects.bulk_create(answers)
    return 4 + len(choices) + len(answers)
