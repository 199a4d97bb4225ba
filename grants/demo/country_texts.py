"""The demo countries' own texts in their languages (and English): conditions of participation,
notes, the award letter's paragraph and the national partner's contact details; and the names
of legal forms as each language writes them.

Content an editor keeps in the admin, so stored as data, not gettext strings.
"""

from organisations.models import LegalForm
from programmes.models import CountryInfo, CountryProgramme, CountryText

CONDITIONS = {
    "en": [
        "The event is free of charge for every participant.",
        "Participants are children and young people aged 8 to 24.",
        "The event takes place within the edition's event window.",
        "The organisation reports on the event within the time the partner sets.",
    ],
    "de": [
        "Die Veranstaltung ist für alle Teilnehmenden kostenlos.",
        "Teilnehmen können Kinder und Jugendliche von 8 bis 24 Jahren.",
        "Die Veranstaltung findet im Veranstaltungszeitraum der Ausgabe statt.",
        "Die Organisation berichtet innerhalb der vom Partner gesetzten Frist über die "
        "Veranstaltung.",
    ],
    "fr": [
        "L'événement est gratuit pour tous les participants.",
        "Les participants sont des enfants et des jeunes de 8 à 24 ans.",
        "L'événement a lieu pendant la période prévue par l'édition.",
        "L'organisation rend compte de l'événement dans le délai fixé par le partenaire.",
    ],
    "nl": [
        "Het evenement is gratis voor alle deelnemers.",
        "De deelnemers zijn kinderen en jongeren van 8 tot 24 jaar.",
        "Het evenement vindt plaats binnen de evenementenperiode van deze editie.",
        "De organisatie brengt verslag uit over het evenement binnen de termijn die de partner "
        "vastlegt.",
    ],
    "it": [
        "L'evento è gratuito per tutti i partecipanti.",
        "I partecipanti sono bambini e ragazzi dagli 8 ai 24 anni.",
        "L'evento si svolge nel periodo previsto dall'edizione.",
        "L'organizzazione presenta il resoconto dell'evento entro il termine fissato dal partner.",
    ],
    "pl": [
        "Udział w wydarzeniu jest bezpłatny dla wszystkich uczestników.",
        "Uczestnikami są dzieci i młodzież w wieku od 8 do 24 lat.",
        "Wydarzenie odbywa się w terminie przewidzianym dla danej edycji.",
        "Organizacja składa sprawozdanie z wydarzenia w terminie wyznaczonym przez partnera.",
    ],
    "ro": [
        "Participarea la eveniment este gratuită pentru toți participanții.",
        "Participanții sunt copii și tineri cu vârste între 8 și 24 de ani.",
        "Evenimentul are loc în perioada stabilită pentru această ediție.",
        "Organizația raportează despre eveniment în termenul stabilit de partener.",
    ],
    "es": [
        "El evento es gratuito para todos los participantes.",
        "Los participantes son niños, niñas y jóvenes de 8 a 24 años.",
        "El evento se celebra dentro del periodo de eventos de la edición.",
        "La organización informa sobre el evento en el plazo que fija el socio nacional.",
    ],
    "uk": [
        "Участь у заході безкоштовна для всіх учасників.",
        "Учасники — діти та молодь віком від 8 до 24 років.",
        "Захід відбувається в межах періоду проведення заходів цього випуску програми.",
        "Організація звітує про захід у строк, який встановлює національний партнер.",
    ],
}

# (country, language): conditions only that country sets.
COUNTRY_CONDITIONS = {
    ("LU", "en"): "Events may be held in Luxembourgish, French, German or English.",
    ("LU", "fr"): "Les événements peuvent se tenir en luxembourgeois, en français, en allemand "
    "ou en anglais.",
    ("LU", "de"): "Veranstaltungen können auf Luxemburgisch, Französisch, Deutsch oder Englisch "
    "stattfinden.",
    ("DE", "en"): "The organisation must be recognised as gemeinnützig by its tax office.",
    ("DE", "de"): "Die Organisation muss vom Finanzamt als gemeinnützig anerkannt sein.",
    ("AT", "de"): "Die Organisation muss nach §§ 34 ff. BAO gemeinnützig sein.",
    ("FR", "en"): "Events of the association must be open to the public, not only to its members.",
    ("FR", "fr"): "Les événements de l'association doivent être ouverts au public, pas seulement "
    "à ses membres.",
    ("BE", "en"): "In Belgium the grant is paid on approval, before the event.",
    ("BE", "nl"): "In België wordt de subsidie bij de goedkeuring uitbetaald, vóór het evenement.",
    ("BE", "fr"): "En Belgique, la subvention est versée dès l'approbation, avant l'événement.",
    ("BE", "de"): "In Belgien wird der Zuschuss bei der Bewilligung ausgezahlt, vor der "
    "Veranstaltung.",
    ("PL", "pl"): "Organizacja musi być wpisana do KRS albo do ewidencji stowarzyszeń zwykłych.",
    ("RO", "ro"): "Organizația trebuie să fie înscrisă în Registrul național al asociațiilor și "
    "fundațiilor.",
    ("ES", "es"): "La entidad debe estar inscrita en el registro de asociaciones o de "
    "fundaciones que le corresponda.",
    ("IT", "it"): "L'ente deve essere iscritto al Registro unico nazionale del Terzo settore "
    "(RUNTS).",
    ("UA", "uk"): "Захід можна провести онлайн, якщо зустріч наживо небезпечна.",
}

NOTES = {
    "en": "Questions about your application? {partner} answers within two working days.",
    "de": "Fragen zu Ihrer Bewerbung? {partner} antwortet innerhalb von zwei Arbeitstagen.",
    "fr": "Des questions sur votre candidature ? {partner} vous répond sous deux jours ouvrables.",
    "nl": "Vragen over uw aanvraag? {partner} antwoordt binnen twee werkdagen.",
    "it": "Domande sulla candidatura? {partner} risponde entro due giorni lavorativi.",
    "pl": "Pytania dotyczące wniosku? {partner} odpowiada w ciągu dwóch dni roboczych.",
    "ro": "Aveți întrebări despre cerere? {partner} răspunde în cel mult două zile lucrătoare.",
    "es": "¿Preguntas sobre su solicitud? {partner} responde en un plazo de dos días laborables.",
    "uk": "Маєте запитання щодо заявки? {partner} відповідає протягом двох робочих днів.",
}

LETTER_TEXT = {
    "en": "Thank you for bringing young people closer to digital skills. Please keep this letter "
    "with your accounts: it confirms the grant and the conditions attached to it. If anything in "
    "it is wrong, write to us before the event.",
    "de": "Danke, dass Sie jungen Menschen digitale Fähigkeiten näherbringen. Bitte bewahren Sie "
    "dieses Schreiben bei Ihren Unterlagen auf: Es bestätigt den Zuschuss und die damit "
    "verbundenen Bedingungen. Sollte etwas nicht stimmen, schreiben Sie uns bitte vor der "
    "Veranstaltung.",
    "fr": "Merci de rapprocher les jeunes du numérique. Conservez cette lettre avec votre "
    "comptabilité : elle confirme la subvention et les conditions qui s'y rattachent. Si une "
    "information est inexacte, écrivez-nous avant l'événement.",
    "nl": "Bedankt dat u jongeren dichter bij digitale vaardigheden brengt. Bewaar deze brief bij "
    "uw boekhouding: hij bevestigt de subsidie en de voorwaarden die eraan verbonden zijn. Klopt "
    "er iets niet, schrijf ons dan vóór het evenement.",
    "it": "Grazie per avvicinare i giovani alle competenze digitali. Conservate questa lettera "
    "insieme alla vostra contabilità: conferma il contributo e le condizioni a cui è legato. Se "
    "qualcosa non è corretto, scriveteci prima dell'evento.",
    "pl": "Dziękujemy, że przybliżacie młodym ludziom umiejętności cyfrowe. Prosimy zachować to "
    "pismo w dokumentacji księgowej: potwierdza ono przyznanie grantu i związane z nim warunki. "
    "Jeśli coś się nie zgadza, napiszcie do nas przed wydarzeniem.",
    "ro": "Vă mulțumim că îi apropiați pe tineri de lumea digitală în România. Păstrați această "
    "scrisoare împreună cu actele contabile: ea confirmă finanțarea și condițiile asociate. "
    "Dacă ceva nu este corect, scrieți-ne înainte de eveniment.",
    "es": "Gracias por acercar las competencias digitales a los jóvenes. Conserve esta carta con "
    "su contabilidad: confirma la subvención y las condiciones asociadas. Si algo no es "
    "correcto, escríbanos antes del evento.",
    "uk": "Дякуємо, що ви наближаєте молодь до цифрових навичок. Збережіть цей лист разом із "
    "бухгалтерськими документами: він підтверджує грант і пов’язані з ним умови. Якщо щось "
    "неправильно, напишіть нам до початку заходу.",
}

OFFICE_HOURS = {
    "en": "Office hours: Monday to Friday, 9:00 to 17:00",
    "de": "Sprechzeiten: Montag bis Freitag, 9:00 bis 17:00 Uhr",
    "fr": "Permanence : du lundi au vendredi, de 9 h à 17 h",
    "nl": "Bereikbaar: maandag tot vrijdag, van 9.00 tot 17.00 uur",
    "it": "Orari: dal lunedì al venerdì, dalle 9:00 alle 17:00",
    "pl": "Godziny pracy: od poniedziałku do piątku, 9:00–17:00",
    "ro": "Program: de luni până vineri, între orele 9:00 și 17:00",
    "es": "Horario: de lunes a viernes, de 9:00 a 17:00",
    "uk": "Години роботи: з понеділка по п’ятницю, 9:00–17:00",
}

# The partners' (invented) offices, written as the country writes addresses.
ADDRESSES = {
    "AT": "Schottenring 16, 1010 Wien",
    "BE": "Rue Royale 94 / Koningsstraat 94, 1000 Bruxelles / Brussel",
    "FR": "12 rue de la Roquette, 75011 Paris",
    "DE": "Landsberger Straße 155, 80687 München",
    "IT": "Via Nazionale 89, 00184 Roma",
    "IE": "21 Dame Street, Dublin 2, D02 X285",
    "LU": "6, rue de l'Église, L-1458 Luxembourg",
    "NL": "Weteringschans 28, 1017 SG Amsterdam",
    "PL": "ul. Marszałkowska 84, 00-514 Warszawa",
    "RO": "Strada Ștefan cel Mare 12, 020121 București",
    "ES": "Calle de Alcalá 120, 28009 Madrid",
    "GB": "10 Queen Street Place, London EC4R 1BE",
    "UA": "вул. Хрещатик 22, Київ, 01001",
}

# The registered name -> how each language writes it.
LEGAL_FORM_NAMES = {
    ("BE", "VZW / ASBL"): {"nl": "VZW", "fr": "ASBL", "de": "VoG"},
    ("BE", "IVZW / AISBL"): {"nl": "IVZW", "fr": "AISBL", "de": "IVoG"},
    ("BE", "stichting van openbaar nut / fondation d'utilité publique"): {
        "nl": "stichting van openbaar nut",
        "fr": "fondation d'utilité publique",
        "de": "gemeinnützige Stiftung",
    },
    ("BE", "private stichting / fondation privée"): {
        "nl": "private stichting",
        "fr": "fondation privée",
        "de": "private Stiftung",
    },
    ("LU", "ASBL"): {"fr": "ASBL", "de": "Vereinigung ohne Gewinnzweck (ASBL)"},
    ("LU", "fondation"): {"fr": "fondation", "de": "Stiftung"},
    ("LU", "SIS (société d'impact sociétal)"): {
        "fr": "SIS (société d'impact sociétal)",
        "de": "SIS (Gesellschaft mit gesellschaftlicher Wirkung)",
    },
    ("PL", "stowarzyszenie zwykłe (status OPP optional)"): {
        "pl": "stowarzyszenie zwykłe (status OPP opcjonalny)",
        "en": "ordinary association (public benefit status optional)",
    },
    ("UA", "громадська організація (public association)"): {
        "uk": "громадська організація",
        "en": "public association",
    },
    ("UA", "благодійна організація / благодійний фонд (charitable organisation or foundation)"): {
        "uk": "благодійна організація / благодійний фонд",
        "en": "charitable organisation or foundation",
    },
}


def texts_for(code: str, language: str, partner: str) -> dict[str, str]:
    """One ``CountryText`` row's fields: the country ``code``'s texts in ``language``."""
    conditions = list(CONDITIONS[language])
    if (code, language) in COUNTRY_CONDITIONS:
        conditions.append(COUNTRY_CONDITIONS[(code, language)])
    contact = [partner, ADDRESSES[code], OFFICE_HOURS[language]]
    return {
        "conditions": "\n".join(conditions),
        "extra_notes": NOTES[language].format(partner=partner),
        "letter_text": LETTER_TEXT[language],
        "partner_contact": "\n".join(contact),
    }


def write_country_texts(info: CountryInfo, programme: CountryProgramme) -> int:
    """The country page's texts in each of the country's languages and in English."""
    languages = dict.fromkeys([*programme.languages, "en"])
    for language in languages:
        CountryText.objects.update_or_create(
            info=info,
            language=language,
            defaults=texts_for(programme.country.code, language, programme.partner.name),
        )
    return len(languages)


def write_legal_form_names() -> int:
    """Each legal form's names in its country's languages."""
    rows = 0
    for (country, name), names in LEGAL_FORM_NAMES.items():
        rows += LegalForm.objects.filter(country=country, name=name).update(names=names)
    return rows
