"""The demo's staff-edited texts in the site's other languages (the English ones are in
``data`` and ``content``): focus groups and review criteria in all nine, a few library resources
and most FAQ entries in German and French. What is left out shows the English text, and the
admin lists it as a missing translation."""

# code: {language: name}
FOCUS_GROUPS = {
    "girls": {
        "de": "Mädchen und junge Frauen", "fr": "Filles et jeunes femmes",
        "nl": "Meisjes en jonge vrouwen", "it": "Ragazze e giovani donne",
        "pl": "Dziewczęta i młode kobiety", "ro": "Fete și tinere femei",
        "es": "Niñas y mujeres jóvenes", "uk": "Дівчата та молоді жінки",
    },
    "refugees": {
        "de": "Geflüchtete", "fr": "Réfugiés", "nl": "Vluchtelingen", "it": "Rifugiati",
        "pl": "Uchodźcy", "ro": "Refugiați", "es": "Personas refugiadas", "uk": "Біженці",
    },
    "migration-background": {
        "de": "Jugendliche mit Migrationshintergrund", "fr": "Jeunes issus de l'immigration",
        "nl": "Jongeren met een migratieachtergrond", "it": "Giovani con background migratorio",
        "pl": "Młodzież z doświadczeniem migracyjnym", "ro": "Tineri din familii de migranți",
        "es": "Jóvenes de origen migrante", "uk": "Молодь із міграційним досвідом",
    },
    "disability": {
        "de": "Jugendliche mit Behinderung", "fr": "Jeunes en situation de handicap",
        "nl": "Jongeren met een beperking", "it": "Giovani con disabilità",
        "pl": "Młodzież z niepełnosprawnościami", "ro": "Tineri cu dizabilități",
        "es": "Jóvenes con discapacidad", "uk": "Молодь з інвалідністю",
    },
    "low-income": {
        "de": "Jugendliche aus einkommensschwachen Haushalten",
        "fr": "Jeunes de foyers à faibles revenus",
        "nl": "Jongeren uit gezinnen met een laag inkomen",
        "it": "Giovani da famiglie a basso reddito",
        "pl": "Młodzież z rodzin o niskich dochodach", "ro": "Tineri din familii cu venituri mici",
        "es": "Jóvenes de hogares con bajos ingresos", "uk": "Молодь із малозабезпечених родин",
    },
    "no-own-device": {
        "de": "Jugendliche ohne eigenen Computer", "fr": "Jeunes sans ordinateur personnel",
        "nl": "Jongeren zonder eigen computer", "it": "Giovani senza un computer proprio",
        "pl": "Młodzież bez własnego komputera", "ro": "Tineri fără calculator propriu",
        "es": "Jóvenes sin ordenador propio", "uk": "Молодь без власного комп'ютера",
    },
    "deprived-area": {
        "de": "Jugendliche aus benachteiligten Stadtteilen",
        "fr": "Jeunes des quartiers défavorisés", "nl": "Jongeren uit achterstandswijken",
        "it": "Giovani da aree svantaggiate", "pl": "Młodzież z obszarów defaworyzowanych",
        "ro": "Tineri din zone defavorizate", "es": "Jóvenes de zonas desfavorecidas",
        "uk": "Молодь із неблагополучних районів",
    },
}  # fmt: skip

# In the order of data.CRITERIA: {language: name}, then {language: description}; all nine.
CRITERIA_NAMES = [
    {"de": "Relevanz für die Zielgruppe", "fr": "Pertinence pour le public cible",
     "nl": "Relevantie voor de doelgroep", "it": "Rilevanza per il gruppo target",
     "pl": "Znaczenie dla grupy docelowej", "ro": "Relevanța pentru grupul țintă",
     "es": "Relevancia para el grupo destinatario", "uk": "Відповідність цільовій групі"},
    {"de": "Erreichen benachteiligter Jugendlicher", "fr": "Portée auprès des jeunes défavorisés",
     "nl": "Bereik van kansarme jongeren", "it": "Coinvolgimento dei giovani svantaggiati",
     "pl": "Dotarcie do młodzieży defaworyzowanej", "ro": "Atragerea tinerilor defavorizați",
     "es": "Alcance de jóvenes desfavorecidos", "uk": "Охоплення вразливої молоді"},
    {"de": "Qualität der Planung", "fr": "Qualité du projet", "nl": "Kwaliteit van het plan",
     "it": "Qualità del progetto", "pl": "Jakość planu", "ro": "Calitatea planului",
     "es": "Calidad del plan", "uk": "Якість плану"},
    {"de": "Preis-Leistungs-Verhältnis", "fr": "Rapport qualité-prix", "nl": "Waar voor je geld",
     "it": "Rapporto costi-benefici", "pl": "Efektywność kosztowa", "ro": "Raport cost-beneficiu",
     "es": "Relación calidad-precio", "uk": "Співвідношення ціни та якості"},
]  # fmt: skip
CRITERIA_DESCRIPTIONS = [
    {"de": "Führt die Veranstaltung Kinder und Jugendliche von 8 bis 24 Jahren so an "
           "Programmieren und Technik heran, wie es zu ihrem Alter und Vorwissen passt?",
     "fr": "L'événement initie-t-il les enfants et les jeunes de 8 à 24 ans au code et à la "
           "technologie d'une manière adaptée à leur âge et à leur niveau ?",
     "nl": "Laat het evenement kinderen en jongeren van 8 tot 24 jaar kennismaken met "
           "programmeren en technologie op een manier die past bij hun leeftijd en "
           "beginniveau?",
     "it": "L'evento avvicina bambini e ragazzi dagli 8 ai 24 anni al coding e alla tecnologia"
           " in modo adatto alla loro età e al loro livello di partenza?",
     "pl": "Czy wydarzenie wprowadza dzieci i młodzież w wieku od 8 do 24 lat w programowanie "
           "i technologię w sposób dopasowany do ich wieku i poziomu?",
     "ro": "Evenimentul îi introduce pe copiii și tinerii de 8 până la 24 de ani în programare"
           " și tehnologie într-un mod potrivit vârstei și nivelului lor?",
     "es": "¿Acerca el evento la programación y la tecnología a niños y jóvenes de 8 a 24 años"
           " de una forma adecuada a su edad y a su nivel de partida?",
     "uk": "Чи знайомить захід дітей і молодь віком від 8 до 24 років із програмуванням і "
           "технологіями у спосіб, що відповідає їхньому віку та рівню?"},
    {"de": "Erreicht die Veranstaltung Mädchen, Geflüchtete, Jugendliche mit Behinderung, aus "
           "einkommensschwachen Haushalten oder benachteiligten Gegenden, die selten eine "
           "solche Chance bekommen?",
     "fr": "L'événement touchera-t-il des filles, des réfugiés, des jeunes en situation de "
           "handicap, de foyers modestes ou de quartiers défavorisés, qui ont rarement une "
           "telle occasion ?",
     "nl": "Bereikt het evenement meisjes, vluchtelingen, jongeren met een beperking, uit "
           "gezinnen met een laag inkomen of uit achterstandswijken, die zelden zo'n kans "
           "krijgen?",
     "it": "L'evento raggiungerà ragazze, rifugiati, giovani con disabilità, da famiglie a "
           "basso reddito o da aree svantaggiate, che raramente hanno un'occasione simile?",
     "pl": "Czy wydarzenie dotrze do dziewcząt, uchodźców, młodzieży z niepełnosprawnościami, "
           "z rodzin o niskich dochodach lub z obszarów defaworyzowanych, które rzadko mają "
           "taką szansę?",
     "ro": "Va ajunge evenimentul la fete, refugiați, tineri cu dizabilități, din familii cu "
           "venituri mici sau din zone defavorizate, care rareori au o astfel de șansă?",
     "es": "¿Llegará el evento a niñas, personas refugiadas, jóvenes con discapacidad, de "
           "hogares con bajos ingresos o de zonas desfavorecidas, que rara vez tienen esta "
           "oportunidad?",
     "uk": "Чи охопить захід дівчат, біженців, молодь з інвалідністю, із малозабезпечених "
           "родин або неблагополучних районів, які рідко мають таку нагоду?"},
    {"de": "Sind Programm, Trainerinnen und Trainer, Ort und Werbung klar und realistisch für "
           "die erwartete Zahl der Teilnehmenden?",
     "fr": "Le programme, les formateurs, le lieu et la promotion sont-ils clairs et réalistes "
           "pour le nombre de participants attendu ?",
     "nl": "Zijn het programma, de trainers, de locatie en de promotie duidelijk en "
           "realistisch voor het verwachte aantal deelnemers?",
     "it": "Il programma, i formatori, la sede e la promozione sono chiari e realistici per il"
           " numero di partecipanti previsto?",
     "pl": "Czy program, prowadzący, miejsce i promocja są jasne i realistyczne dla "
           "oczekiwanej liczby uczestników?",
     "ro": "Sunt programul, formatorii, locul și promovarea clare și realiste pentru numărul "
           "de participanți așteptat?",
     "es": "¿Son el programa, las personas formadoras, el lugar y la difusión claros y "
           "realistas para el número de participantes previsto?",
     "uk": "Чи зрозумілі й реалістичні програма, тренери, місце проведення та просування для "
           "очікуваної кількості учасників?"},
    {"de": "Sind die Budgetposten förderfähig, nötig und angemessen für das, was die "
           "Veranstaltung erreichen soll?",
     "fr": "Les postes du budget sont-ils éligibles, nécessaires et raisonnables au regard de "
           "ce que l'événement va accomplir ?",
     "nl": "Zijn de begrotingsposten subsidiabel, nodig en redelijk voor wat het evenement wil"
           " bereiken?",
     "it": "Le voci di bilancio sono ammissibili, necessarie e ragionevoli rispetto a ciò che "
           "l'evento otterrà?",
     "pl": "Czy pozycje budżetu są kwalifikowalne, potrzebne i rozsądne wobec tego, co "
           "wydarzenie ma osiągnąć?",
     "ro": "Sunt liniile bugetare eligibile, necesare și rezonabile pentru ceea ce va realiza "
           "evenimentul?",
     "es": "¿Son las partidas del presupuesto subvencionables, necesarias y razonables para lo"
           " que el evento logrará?",
     "uk": "Чи є статті бюджету прийнятними, потрібними та розумними для того, чого має "
           "досягти захід?"},
]  # fmt: skip

# A resource's link: {language: (title, summary)}.
RESOURCES = {
    "https://scratch.mit.edu/ideas": {
        "de": ("Scratch-Ideen für einen ersten Workshop",
               "Projektideen Schritt für Schritt für absolute Anfänger: den eigenen Namen "
               "animieren, ein Pong-Spiel bauen, eine interaktive Geschichte erzählen. Jede "
               "passt in 90 Minuten."),
        "fr": ("Idées Scratch pour un premier atelier",
               "Des idées de projets pas à pas pour grands débutants : animer son prénom, créer "
               "un jeu de pong, raconter une histoire interactive. Chacune tient en 90 minutes."),
    },
    "https://www.csunplugged.org/en/": {
        "de": ("CS Unplugged: Informatik ohne Computer",
               "Spiele und Rätsel zu Binärzahlen, Sortieren und Algorithmen mit Karten, Schnur "
               "und Kreide: ideal, wo es wenige Geräte gibt."),
        "fr": ("CS Unplugged : l'informatique sans ordinateur",
               "Des jeux et des énigmes sur les nombres binaires, le tri et les algorithmes, "
               "avec des cartes, de la ficelle et de la craie : idéal quand les appareils "
               "manquent."),
    },
    "https://lab.open-roberta.org/": {
        "de": ("Open Roberta Lab: Roboter im Browser programmieren",
               "Die kostenlose Plattform des Fraunhofer IAIS: Roboter und Mikrocontroller "
               "grafisch programmieren, mit Simulation, wenn keine Hardware da ist."),
    },
    "https://codeweek.eu/guide": {
        "fr": ("Organiser un hackathon pour les jeunes",
               "Les étapes clés d'un hackathon réussi : choisir un thème, former des équipes "
               "mixtes, accompagner les mentors et présenter les projets au public."),
        "de": ("Einen Hackathon für Jugendliche organisieren",
               "Die wichtigsten Schritte zu einem gelungenen Hackathon: ein Thema wählen, "
               "gemischte Teams bilden, Mentorinnen und Mentoren begleiten und die Projekte "
               "öffentlich vorstellen."),
    },
}  # fmt: skip

# An FAQ entry's English question: {language: (question, answer)}.
FAQ = {
    "Who can apply?": {
        "de": ("Wer kann sich bewerben?",
               "Gemeinnützige Organisationen aus einem der Länder des Programms, mit einer dort "
               "anerkannten Rechtsform."),
        "fr": ("Qui peut poser sa candidature ?",
               "Les organisations à but non lucratif d'un des pays du programme, sous une forme "
               "juridique reconnue dans ce pays."),
    },
    "How much can we receive?": {
        "de": ("Wie viel können wir erhalten?",
               "Bis zu 500 EUR pro Veranstaltung (in manchen Ländern denselben Betrag in der "
               "Landeswährung) für förderfähige Kosten."),
        "fr": ("Combien pouvons-nous recevoir ?",
               "Jusqu'à 500 EUR par événement (dans certains pays, le même montant en monnaie "
               "locale) pour des dépenses éligibles."),
    },
    "Must the event be free?": {
        "de": ("Muss die Veranstaltung kostenlos sein?",
               "Ja, die Teilnahme muss für alle Kinder und Jugendlichen kostenlos sein."),
        "fr": ("L'événement doit-il être gratuit ?",
               "Oui, la participation doit être gratuite pour tous les enfants et jeunes."),
    },
    "How many events may we propose?": {
        "de": ("Wie viele Veranstaltungen dürfen wir vorschlagen?",
               "So viele Sie möchten, jede als eigenen Antrag. Jeder wird für sich geprüft."),
        "fr": ("Combien d'événements pouvons-nous proposer ?",
               "Autant que vous le souhaitez, chacun dans sa propre demande, examinée à part."),
    },
}  # fmt: skip


def columns(field: str, texts: dict[str, str]) -> dict[str, str]:
    """``{"name_de": ..., "name_fr": ...}`` for a field's texts by language."""
    return {f"{field}_{language}": text for language, text in texts.items()}
