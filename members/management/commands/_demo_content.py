"""Texts and master data of the demo network (Stuttgart region), used by seed_demo.

Everything here is fictional: firms, people, addresses and numbers. Email addresses and
websites use the reserved .example domain.
"""

from datetime import date
from decimal import Decimal

DEMO_PASSWORD = "Verbund-Demo-2026"  # noqa: S105

MONTHS_DE = [
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
]


def long_date(day: date) -> str:
    """`21. November 2026`"""
    return f"{day.day}. {MONTHS_DE[day.month - 1]} {day.year}"


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def para(html):
    return {"type": "paragraph", "value": html}


def info(title, html):
    return {"type": "info_box", "value": {"title": title, "text": html}}


# --- Region -----------------------------------------------------------------------------

DISTRICTS = [
    ("stuttgart", "Stuttgart"),
    ("boeblingen", "Böblingen"),
    ("esslingen", "Esslingen"),
    ("goeppingen", "Göppingen"),
    ("ludwigsburg", "Ludwigsburg"),
    ("rems-murr-kreis", "Rems-Murr-Kreis"),
]

OFFICE = {
    "office_name": "Weiterbildungsverbund Region Stuttgart",
    "organisation": "Wirtschaftsförderung Region Stuttgart Mitte GmbH",
    "street": "Heilbronner Straße 88",
    "postal_code": "70191",
    "city": "Stuttgart",
    "phone": "0711 123456-0",
    "email": "buero@verbund.example",
}

STAFF = [
    {
        "email": "buero@verbund.example",
        "first_name": "Sabine",
        "last_name": "Brenner",
        "is_superuser": True,
        "totp_secret": "VERBUNDDEMOBUEROZWEIFAKTORLOGINA",
    },
    {
        "email": "j.albers@verbund.example",
        "first_name": "Jonas",
        "last_name": "Albers",
        "is_superuser": False,
        "totp_secret": "VERBUNDDEMOTEAMZWEIFAKTORLOGINBB",
    },
]


# --- Firms ------------------------------------------------------------------------------
# People: (first name, last name, department, email local part or "", has a login)
# An employee with a date in "left" has left the firm (days before the seed run).

FIRMS = [
    {
        "name": "Kessler Feinmechanik GmbH",
        "legal_form": "GmbH",
        "employee_count": 45,
        "district": "esslingen",
        "street": "Fabrikstraße 14",
        "postal_code": "73728",
        "city": "Esslingen am Neckar",
        "phone": "0711 3456780",
        "domain": "kessler-feinmechanik.example",
        "allow_self_enrolment": True,
        "admin": ("Claudia", "Hartmann", "Personal", "personal"),
        "contacts": [],
        "employees": [
            ("Markus", "Weber", "Fertigung (CNC-Fräsen)", "m.weber", True),
            ("Jana", "Schulte", "Qualitätssicherung", "j.schulte", False),
            ("Ali", "Demir", "Fertigung (Drehen)", "", False),
            ("Petra", "Haas", "Konstruktion", "p.haas", False),
            ("Lukas", "Fink", "Ausbildung (Feinwerkmechanik)", "", False),
            ("Stefan", "Roth", "Instandhaltung", "", False),
            ("Nikola", "Petrović", "Montage", "", False),
        ],
    },
    {
        "name": "Lindner Kunststofftechnik GmbH & Co. KG",
        "legal_form": "GmbH & Co. KG",
        "employee_count": 140,
        "district": "ludwigsburg",
        "street": "Carl-Benz-Straße 22",
        "postal_code": "74321",
        "city": "Bietigheim-Bissingen",
        "phone": "07142 77880",
        "domain": "lindner-kunststofftechnik.example",
        "allow_self_enrolment": False,
        "admin": ("Nadine", "Vogt", "Personalentwicklung", "hr"),
        "contacts": [("Thomas", "Lindner", "Geschäftsführung", "t.lindner")],
        "employees": [
            ("Selin", "Yılmaz", "Qualitätssicherung", "s.yilmaz", True),
            ("Daniel", "Köhler", "Fertigung (Spritzguss)", "d.koehler", False),
            ("Marco", "Rossi", "Instandhaltung", "", False),
            ("Katharina", "Wolf", "Konstruktion", "k.wolf", False),
            ("Jonas", "Maurer", "Ausbildung (Verfahrensmechanik)", "", False),
            ("Irina", "Becker", "Logistik", "", False),
            ("Florian", "Seitz", "Fertigung (Spritzguss)", "", False),
            ("Sandra", "Kraus", "Arbeitsvorbereitung", "s.kraus", False),
            ("Mehmet", "Aydın", "Fertigung (Extrusion)", "", False),
            ("Erwin", "Hägele", "Instandhaltung", "", False, 120),
        ],
    },
    {
        "name": "Brändle Antriebstechnik GmbH",
        "legal_form": "GmbH",
        "employee_count": 230,
        "district": "goeppingen",
        "street": "Heininger Straße 41",
        "postal_code": "73037",
        "city": "Göppingen",
        "phone": "07161 654320",
        "domain": "braendle-antriebstechnik.example",
        "allow_self_enrolment": True,
        "admin": ("Birgit", "Straub", "Personal und Ausbildung", "b.straub"),
        "contacts": [("Oliver", "Kienzle", "Leitung Fertigung", "o.kienzle")],
        "employees": [
            ("Ayşe", "Kaya", "Qualitätssicherung", "a.kaya", True),
            ("Tim", "Scholz", "Ausbildung (Industriemechanik)", "", False),
            ("Rainer", "Frey", "Instandhaltung", "r.frey", False),
            ("Benjamin", "Ott", "Konstruktion", "b.ott", False),
            ("Vanessa", "Lang", "Logistik", "", False),
            ("Dominik", "Bauer", "Fertigung (Verzahnung)", "", False),
            ("Heike", "Zimmermann", "Arbeitsvorbereitung", "h.zimmermann", False),
            ("Pascal", "Wenzel", "Montage", "", False),
            ("Andrzej", "Nowak", "Fertigung (Härterei)", "", False),
            ("Lea", "Schäfer", "Ausbildung (Mechatronik)", "", False),
        ],
    },
    {
        "name": "Schönfeld Blechbearbeitung GmbH",
        "legal_form": "GmbH",
        "employee_count": 80,
        "district": "boeblingen",
        "street": "Hanns-Klemm-Straße 17",
        "postal_code": "71034",
        "city": "Böblingen",
        "phone": "07031 445500",
        "domain": "schoenfeld-blech.example",
        "allow_self_enrolment": False,
        "admin": ("Martina", "Keller", "Personal", "m.keller"),
        "contacts": [],
        "employees": [
            ("Sven", "Hoffmann", "Fertigung (Laserschneiden)", "", False),
            ("Julia", "Braun", "Konstruktion", "j.braun", False),
            ("Kevin", "Schuster", "Fertigung (Abkanten)", "", False),
            ("Tanja", "Möller", "Qualitätssicherung", "t.moeller", False),
            ("Emre", "Çelik", "Instandhaltung", "", False),
        ],
    },
    {
        "name": "Hofmann & Rieger Werkzeugbau KG",
        "legal_form": "KG",
        "employee_count": 28,
        "district": "rems-murr-kreis",
        "street": "Alte Bundesstraße 8",
        "postal_code": "71332",
        "city": "Waiblingen",
        "phone": "07151 987650",
        "domain": "hofmann-rieger.example",
        "allow_self_enrolment": False,
        "admin": ("Gerhard", "Rieger", "Geschäftsführung", "g.rieger"),
        "contacts": [],
        "employees": [
            ("Jan", "Hofmann", "Werkzeugbau", "j.hofmann", False),
            ("Max", "Eisele", "Ausbildung (Werkzeugmechanik)", "", False),
            ("Sabrina", "Walter", "Konstruktion", "s.walter", False),
            ("Uwe", "Dietrich", "Instandhaltung", "", False),
        ],
    },
    {
        "name": "Maier Präzisionsdrehteile e. K.",
        "legal_form": "e. K.",
        "employee_count": 9,
        "district": "rems-murr-kreis",
        "street": "Daimlerstraße 5",
        "postal_code": "73614",
        "city": "Schorndorf",
        "phone": "07181 432100",
        "domain": "maier-drehteile.example",
        "allow_self_enrolment": False,
        "admin": ("Anja", "Maier", "Geschäftsführung", "anja.maier"),
        "contacts": [],
        "employees": [
            ("Robert", "Maier", "Fertigung (Langdrehen)", "", False),
            ("Leon", "Krämer", "Ausbildung (Zerspanungsmechanik)", "", False),
            ("Olga", "Schmidt", "Qualitätssicherung", "o.schmidt", False),
        ],
    },
    {
        "name": "Neckartal Elektronik GmbH",
        "legal_form": "GmbH",
        "employee_count": 60,
        "district": "stuttgart",
        "street": "Borsigstraße 9",
        "postal_code": "70469",
        "city": "Stuttgart",
        "phone": "0711 889900",
        "domain": "neckartal-elektronik.example",
        "allow_self_enrolment": True,
        "admin": ("Ralf", "Schneider", "Personal", "r.schneider"),
        "contacts": [("Elena", "Vogel", "Qualitätsmanagement", "e.vogel")],
        "employees": [
            ("Sophie", "Klein", "Elektronikentwicklung", "s.klein", True),
            ("Felix", "Neumann", "Fertigung (SMD-Bestückung)", "", False),
            ("Hakan", "Öztürk", "Prüffeld", "", False),
            ("Laura", "Fischer", "Ausbildung (Elektronik)", "", False),
            ("Matthias", "Graf", "Logistik", "", False),
            ("Christina", "Huber", "Einkauf", "c.huber", False),
        ],
    },
    {
        "name": "Wörner Oberflächentechnik GmbH",
        "legal_form": "GmbH",
        "employee_count": 12,
        "district": "boeblingen",
        "street": "Gültsteiner Straße 40",
        "postal_code": "71083",
        "city": "Herrenberg",
        "phone": "07032 202000",
        "domain": "woerner-oberflaechentechnik.example",
        "allow_self_enrolment": False,
        "admin": ("Simone", "Wörner", "Geschäftsführung", "s.woerner"),
        "contacts": [],
        "employees": [
            ("Patrick", "Lutz", "Fertigung (Galvanik)", "", False),
            ("Denise", "Arnold", "Qualitätssicherung", "d.arnold", False),
            ("Yusuf", "Şahin", "Instandhaltung", "", False),
        ],
    },
]

APPLICANT = {
    "name": "Gruber Lasertechnik UG (haftungsbeschränkt)",
    "legal_form": "UG (haftungsbeschränkt)",
    "employee_count": 14,
    "district": "goeppingen",
    "street": "Stuttgarter Straße 120",
    "postal_code": "73054",
    "city": "Eislingen/Fils",
    "phone": "07161 818100",
    "domain": "gruber-lasertechnik.example",
    "allow_self_enrolment": False,
    "admin": ("Stefanie", "Gruber", "Geschäftsführung", "s.gruber"),
    "contacts": [],
    "employees": [
        ("Moritz", "Gruber", "Fertigung (Laserschweißen)", "", False),
        ("Nina", "Berger", "Konstruktion", "n.berger", False),
        ("Timo", "Reich", "Instandhaltung", "", False),
    ],
}

# The applicant's membership application (pending); its contact is the applicant's admin.
APPLICATION = {"contact_phone": "07161 818100-12", "submitted_days_ago": 3}

# One open invitation: the firm admin invites an employee who has no login yet.
OPEN_INVITATION = {
    "firm": "Kessler Feinmechanik GmbH",
    "email": "p.haas@kessler-feinmechanik.example",
    "role": "employee",
}

# Role groups besides the office's: trainers and the advisors of the contact points.

# --- Topics -----------------------------------------------------------------------------

TOPICS = [
    (
        "robotik",
        "Robotik",
        "Kollaborierende Roboter und Automatisierung, die sich auch für kleine Losgrößen lohnen.",
    ),
    (
        "3d-druck",
        "3D-Druck",
        "Additive Fertigung von Prototypen, Ersatzteilen, Vorrichtungen und Betriebsmitteln.",
    ),
    (
        "digitale-lerneinheiten",
        "Digitale Lerneinheiten",
        "Kurze Lernvideos, Quizze und Anleitungen, die Betriebe selbst erstellen und teilen.",
    ),
    (
        "ki-im-betrieb",
        "KI im Betrieb",
        "Künstliche Intelligenz im Arbeitsalltag: sinnvoll einsetzen, Grenzen kennen, "
        "Daten schützen.",
    ),
]

# --- Venues -------------------------------------------------------------------------------

VENUES = {
    "esslingen": {
        "venue_name": "Bildungszentrum Neckarwerk, Lernfabrik in Halle 3",
        "venue_street": "Am Neckarkanal 12",
        "venue_postal_code": "73728",
        "venue_city": "Esslingen am Neckar",
        "venue_accessibility": (
            "Stufenloser Zugang über den Hofeingang, Aufzug ins Obergeschoss, barrierefreies "
            "WC im Erdgeschoss. Zwei Behindertenparkplätze direkt vor Halle 3. In der "
            "Lernfabrik ist Sicherheitsschuhwerk Pflicht; Leihschuhe liegen bereit."
        ),
    },
    "goeppingen": {
        "venue_name": "Brändle Antriebstechnik GmbH, Schulungsraum und Technikum (Gastgeber)",
        "venue_street": "Heininger Straße 41",
        "venue_postal_code": "73037",
        "venue_city": "Göppingen",
        "venue_accessibility": (
            "Schulungsraum im Erdgeschoss, stufenlos erreichbar. Das Technikum hat eine "
            "Schwelle von 3 cm. Barrierefreies WC vorhanden. Parkplätze auf dem Firmengelände, "
            "Anmeldung an der Pforte."
        ),
    },
    "stuttgart": {
        "venue_name": "Weiterbildungsverbund Region Stuttgart, Seminarraum 1",
        "venue_street": "Heilbronner Straße 88",
        "venue_postal_code": "70191",
        "venue_city": "Stuttgart",
        "venue_accessibility": (
            "Seminarraum im 2. Obergeschoss, Aufzug vorhanden. Barrierefreies WC auf der "
            "Etage. Induktive Höranlage auf Anfrage. Haltestelle Pragsattel (Stadtbahn) "
            "in 5 Minuten zu Fuß."
        ),
    },
    "ludwigsburg": {
        "venue_name": "Seminarzentrum am Bahnhof, Raum 2.04",
        "venue_street": "Bahnhofstraße 18",
        "venue_postal_code": "71638",
        "venue_city": "Ludwigsburg",
        "venue_accessibility": (
            "Ebenerdiger Eingang, Aufzug in den 2. Stock, barrierefreies WC. Der Bahnhof "
            "Ludwigsburg liegt 300 m entfernt."
        ),
    },
    "boeblingen": {
        "venue_name": "Schulungszentrum im Gewerbepark Hulb",
        "venue_street": "Otto-Lilienthal-Straße 9",
        "venue_postal_code": "71034",
        "venue_city": "Böblingen",
        "venue_accessibility": (
            "Alle Räume im Erdgeschoss und stufenlos erreichbar, barrierefreies WC. "
            "Kostenlose Parkplätze vor dem Gebäude."
        ),
    },
    "rems-murr-kreis": {
        "venue_name": "Technikum Waiblingen, Werkstatt 1",
        "venue_street": "Mayenner Straße 30",
        "venue_postal_code": "71332",
        "venue_city": "Waiblingen",
        "venue_accessibility": (
            "Werkstatt im Erdgeschoss, stufenlos erreichbar. Barrierefreies WC im "
            "Nachbargebäude (20 m, überdachter Weg)."
        ),
    },
}

ONLINE_URL = "https://konferenz.verbund.example/raum/ki-im-betrieb"

# --- Workshop series and their dates -------------------------------------------------------
# Dates: offset in days from the day of the seed run, the weekday (0 = Monday) on or after
# that day, the parts as (days after the first part, start, end), and the planned enrolment.
# A date whose parts would fall on a public holiday or between the years moves by whole weeks.

SERIES = [
    {
        "key": "robotik",
        "slug": "einstieg-robotik-cobots",
        "topic": "robotik",
        "title": "Einstieg in die Robotik: Cobots in der Fertigung",
        "teaser": (
            "Ein Praxistag an echten Cobots: Sie lernen, wie kollaborierende Roboter "
            "programmiert, abgesichert und wirtschaftlich bewertet werden – und ob sich ein "
            "Einstieg für Ihre Fertigung lohnt."
        ),
        "search_description": (
            "Praxisworkshop zu kollaborierenden Robotern (Cobots) für kleine und mittlere "
            "Fertigungsbetriebe in der Region Stuttgart."
        ),
        "target_group": (
            "Fachkräfte aus Fertigung, Instandhaltung und Arbeitsvorbereitung sowie "
            "Meisterinnen und Meister, die eine erste Automatisierungslösung planen"
        ),
        "prerequisites": (
            "Erfahrung in der Fertigung oder Instandhaltung. Programmierkenntnisse sind nicht "
            "nötig. Bitte Sicherheitsschuhe mitbringen (Leihschuhe sind vorhanden)."
        ),
        "learning_outcomes": (
            "<ul><li>Sie kennen den Unterschied zwischen Industrieroboter und Cobot und "
            "wissen, wann welcher passt.</li>"
            "<li>Sie programmieren eine einfache Pick-and-Place-Aufgabe per Handführung und "
            "am Bedienpanel.</li>"
            "<li>Sie kennen die Grundzüge der Risikobeurteilung nach DIN EN ISO 10218 und "
            "ISO/TS 15066.</li>"
            "<li>Sie können die Wirtschaftlichkeit einer Cobot-Anwendung grob abschätzen.</li>"
            "</ul>"
        ),
        "format": "presence",
        "duration_hours": Decimal("7.5"),
        "price_member": Decimal("150.00"),
        "price_non_member": Decimal("450.00"),
        "trainer": "Florian Haag, Anwendungstechniker für Robotik",
        "body": [
            heading("Worum es geht"),
            para(
                "<p>Kollaborierende Roboter – kurz Cobots – arbeiten ohne Schutzzaun neben "
                "Menschen. Sie sind schnell eingerichtet, lassen sich per Hand führen und "
                "rechnen sich schon bei kleinen Stückzahlen. Gerade für Zulieferbetriebe mit "
                "wechselnden Aufträgen ist das interessant: Maschinen beladen, Teile prüfen, "
                "verpacken oder schrauben.</p>"
                "<p>In diesem Workshop probieren Sie das selbst aus. In Zweiergruppen "
                "arbeiten Sie an einem eigenen Cobot und lösen typische Aufgaben aus der "
                "Fertigung.</p>"
            ),
            heading("Ablauf"),
            para(
                "<ol><li>Grundlagen: Bauformen, Greifer, Sensorik und typische Anwendungen "
                "aus Betrieben der Region</li>"
                "<li>Sicherheit: Risikobeurteilung, Kraft- und Geschwindigkeitsbegrenzung, "
                "was die Berufsgenossenschaft erwartet</li>"
                "<li>Praxis: Handführung, Wegpunkte, Greifen und Ablegen, einfache Schleifen</li>"
                "<li>Wirtschaftlichkeit: Amortisation, Fördermöglichkeiten, erste Schritte "
                "im eigenen Betrieb</li></ol>"
            ),
            info(
                "Bringen Sie Ihre Aufgabe mit",
                "<p>Haben Sie einen Arbeitsplatz im Kopf, der sich automatisieren ließe? "
                "Bringen Sie Fotos oder eine kurze Beschreibung mit. Am Nachmittag sehen wir "
                "uns einige Beispiele gemeinsam an.</p>",
            ),
        ],
        "dates": [
            {
                "offset": 12,
                "weekday": 1,
                "district": "esslingen",
                "capacity": 12,
                "firm_limit": 2,
                "parts": [(0, "08:30", "16:00", "")],
                "confirmed": 11,
                "waitlisted": 0,
                "include": ["m.weber@kessler-feinmechanik.example"],
            },
            {
                "offset": 47,
                "weekday": 2,
                "district": "rems-murr-kreis",
                "capacity": 10,
                "firm_limit": 3,
                "parts": [(0, "08:30", "16:00", "")],
                "confirmed": 4,
                "waitlisted": 0,
            },
            {
                "offset": 68,
                "weekday": 3,
                "district": "boeblingen",
                "capacity": 12,
                "firm_limit": None,
                "parts": [(0, "08:30", "16:00", "")],
                "confirmed": 2,
                "waitlisted": 0,
            },
        ],
    },
    {
        "key": "3d-druck",
        "slug": "3d-druck-in-der-produktion",
        "topic": "3d-druck",
        "title": "3D-Druck in der Produktion: vom Prototyp zum Betriebsmittel",
        "teaser": (
            "Greifer, Vorrichtungen, Prüflehren und Ersatzteile aus dem eigenen Drucker: "
            "Sie lernen Verfahren und Werkstoffe kennen, konstruieren ein Betriebsmittel "
            "druckgerecht und drucken es vor Ort."
        ),
        "search_description": (
            "Workshop zur additiven Fertigung von Vorrichtungen, Greifern und Ersatzteilen "
            "für Fertigungsbetriebe."
        ),
        "target_group": (
            "Beschäftigte aus Konstruktion, Arbeitsvorbereitung, Werkzeugbau und "
            "Instandhaltung sowie Ausbilderinnen und Ausbilder"
        ),
        "prerequisites": (
            "Grundkenntnisse in einem CAD-Programm sind hilfreich, aber keine Bedingung. "
            "Laptops mit vorinstallierter Software stellen wir."
        ),
        "learning_outcomes": (
            "<ul><li>Sie kennen die wichtigsten Verfahren (FDM/FFF, SLA, SLS) und Werkstoffe "
            "mit ihren Stärken und Grenzen.</li>"
            "<li>Sie konstruieren ein Bauteil druckgerecht: Ausrichtung, Stützstrukturen, "
            "Toleranzen, Gewindeeinsätze.</li>"
            "<li>Sie bereiten einen Druckauftrag im Slicer vor und beurteilen das "
            "Ergebnis.</li>"
            "<li>Sie können abschätzen, ob sich ein Bauteil für den 3D-Druck eignet und was "
            "es kostet.</li></ul>"
        ),
        "format": "presence",
        "duration_hours": Decimal("7.0"),
        "price_member": Decimal("0.00"),
        "price_non_member": Decimal("320.00"),
        "trainer": "Petra Sommer, Fachreferentin für additive Fertigung",
        "body": [
            heading("Warum 3D-Druck im Betrieb?"),
            para(
                "<p>Viele Betriebe nutzen 3D-Drucker bisher nur für Anschauungsmuster. Dabei "
                "liegt der größere Nutzen oft in der eigenen Fertigung: Eine gedruckte "
                "Montagevorrichtung ist in einem Tag fertig, ein Greiferfinger kostet wenige "
                "Euro, ein nicht mehr lieferbares Ersatzteil lässt sich nachbauen.</p>"
                "<p>Im Workshop arbeiten Sie an Beispielen aus Mitgliedsbetrieben und "
                "konstruieren ein eigenes Betriebsmittel, das Sie am Ende mitnehmen.</p>"
            ),
            heading("Ablauf"),
            para(
                "<ol><li>Verfahren und Werkstoffe im Überblick, mit Mustern zum Anfassen</li>"
                "<li>Druckgerecht konstruieren: Regeln und typische Fehler</li>"
                "<li>Praxis: vom CAD-Modell über den Slicer zum fertigen Teil</li>"
                "<li>Kosten, Qualität und Arbeitsschutz beim Drucken im eigenen Betrieb</li></ol>"
            ),
            info(
                "Für Mitglieder kostenfrei",
                "<p>Der Workshop ist für Beschäftigte von Mitgliedsunternehmen kostenfrei. "
                "Je Unternehmen können höchstens zwei Personen teilnehmen, damit möglichst "
                "viele Betriebe einen Platz bekommen.</p>",
            ),
        ],
        "dates": [
            {
                "offset": 20,
                "weekday": 3,
                "district": "goeppingen",
                "capacity": 8,
                "firm_limit": 2,
                "parts": [(0, "09:00", "16:00", "")],
                "confirmed": 8,
                "waitlisted": 3,
                "full": True,
            },
            {
                "offset": 60,
                "weekday": 1,
                "district": "ludwigsburg",
                "capacity": 10,
                "firm_limit": None,
                "parts": [(0, "09:00", "16:00", "")],
                "confirmed": 3,
                "waitlisted": 0,
            },
        ],
    },
    {
        "key": "lerneinheiten",
        "slug": "digitale-lerneinheiten-selbst-erstellen",
        "topic": "digitale-lerneinheiten",
        "title": "Digitale Lerneinheiten selbst erstellen",
        "teaser": (
            "In drei Vormittagen erstellen Sie eine kurze digitale Lerneinheit für Ihren "
            "Betrieb: ein Erklärvideo mit dem Smartphone, ein Quiz und eine Schritt-für-"
            "Schritt-Anleitung – und teilen sie mit anderen Mitgliedsbetrieben."
        ),
        "search_description": (
            "Dreiteiliger Workshop: kurze Lernvideos, Quizze und Anleitungen für die "
            "betriebliche Weiterbildung selbst erstellen."
        ),
        "target_group": (
            "Ausbilderinnen und Ausbilder, Schichtführungen, erfahrene Fachkräfte und alle, "
            "die Wissen im Betrieb weitergeben"
        ),
        "prerequisites": (
            "Ein eigenes Smartphone oder Tablet. Bringen Sie eine Tätigkeit aus Ihrem Betrieb "
            "mit, die Sie erklären möchten, zum Beispiel das Rüsten einer Maschine."
        ),
        "learning_outcomes": (
            "<ul><li>Sie zerlegen eine Tätigkeit in kleine Lernschritte und formulieren "
            "Lernziele.</li>"
            "<li>Sie drehen und schneiden ein kurzes Erklärvideo mit dem Smartphone.</li>"
            "<li>Sie erstellen ein interaktives Quiz mit H5P.</li>"
            "<li>Sie kennen die Regeln für Bildrechte, Datenschutz und offene Lizenzen "
            "(CC BY) beim Teilen von Lernmaterial.</li></ul>"
        ),
        "format": "presence",
        "duration_hours": Decimal("10.5"),
        "price_member": Decimal("0.00"),
        "price_non_member": Decimal("240.00"),
        "trainer": "Miriam Okafor, Mediendidaktikerin",
        "body": [
            heading("Wissen weitergeben, bevor es geht"),
            para(
                "<p>In vielen Betrieben steckt das wichtigste Wissen in den Köpfen weniger "
                "erfahrener Kolleginnen und Kollegen. Kurze digitale Lerneinheiten helfen, "
                "dieses Wissen festzuhalten: neue Beschäftigte und Auszubildende können sie "
                "jederzeit an der Maschine aufrufen.</p>"
                "<p>Sie brauchen dafür kein Studio. Ein Smartphone, ein ruhiger Arbeitsplatz "
                "und ein klarer Ablauf genügen.</p>"
            ),
            heading("Die drei Vormittage"),
            para(
                "<ol><li><b>Planen:</b> Lernziel, Zielgruppe, Drehbuch auf einer Seite</li>"
                "<li><b>Produzieren:</b> Filmen, Schneiden, Untertitel, barrierearme "
                "Gestaltung</li>"
                "<li><b>Prüfen und teilen:</b> Quiz mit H5P, Rückmeldung aus der Gruppe, "
                "Veröffentlichung im Lernpool des Verbunds</li></ol>"
                "<p>Zwischen den Terminen setzen Sie die Aufgaben im eigenen Betrieb um. "
                "Die Trainerin ist in dieser Zeit per E-Mail erreichbar.</p>"
            ),
            info(
                "Lernpool des Verbunds",
                "<p>Fertige Lerneinheiten können Sie mit anderen Mitgliedsbetrieben teilen. "
                "Sie entscheiden selbst, ob und unter welcher Lizenz.</p>",
            ),
        ],
        "dates": [
            {
                "offset": 26,
                "weekday": 2,
                "district": "stuttgart",
                "capacity": 14,
                "firm_limit": 3,
                "parts": [
                    (0, "09:00", "12:30", "Teil 1: Planen"),
                    (7, "09:00", "12:30", "Teil 2: Produzieren"),
                    (14, "09:00", "12:30", "Teil 3: Prüfen und teilen"),
                ],
                "confirmed": 12,
                "waitlisted": 0,
            },
            {
                "offset": 52,
                "weekday": 2,
                "district": "esslingen",
                "capacity": 16,
                "firm_limit": None,
                "parts": [
                    (0, "09:00", "12:30", "Teil 1: Planen"),
                    (7, "09:00", "12:30", "Teil 2: Produzieren"),
                    (14, "09:00", "12:30", "Teil 3: Prüfen und teilen"),
                ],
                "confirmed": 2,
                "waitlisted": 0,
            },
        ],
    },
    {
        "key": "ki",
        "slug": "ki-im-betrieb",
        "topic": "ki-im-betrieb",
        "title": "KI im Betrieb: Chancen, Grenzen und erste Anwendungen",
        "teaser": (
            "Was kann Künstliche Intelligenz in einem kleinen Fertigungsbetrieb heute "
            "leisten? Sie probieren KI-Werkzeuge an Aufgaben aus Ihrem Alltag aus und "
            "lernen, worauf Sie bei Datenschutz, Urheberrecht und EU-KI-Verordnung achten."
        ),
        "search_description": (
            "Halbtägiger Workshop zu Künstlicher Intelligenz im Arbeitsalltag von kleinen "
            "und mittleren Unternehmen, in Präsenz oder online."
        ),
        "target_group": (
            "Geschäftsführungen, Führungskräfte und Beschäftigte aus Verwaltung, "
            "Arbeitsvorbereitung und Qualitätssicherung"
        ),
        "prerequisites": (
            "Keine. Für den Online-Termin brauchen Sie einen Computer mit Kamera, Mikrofon "
            "und einem aktuellen Browser."
        ),
        "learning_outcomes": (
            "<ul><li>Sie verstehen, wie Sprachmodelle und Bilderkennung grundsätzlich "
            "arbeiten.</li>"
            "<li>Sie nutzen KI-Werkzeuge für typische Aufgaben: Texte zusammenfassen, "
            "Arbeitsanweisungen entwerfen, Prüfberichte auswerten.</li>"
            "<li>Sie kennen die Pflichten aus der EU-KI-Verordnung, insbesondere zur "
            "KI-Kompetenz der Beschäftigten.</li>"
            "<li>Sie wissen, welche Daten nicht in externe KI-Dienste gehören.</li></ul>"
        ),
        "format": "hybrid",
        "duration_hours": Decimal("3.5"),
        "price_member": Decimal("60.00"),
        "price_non_member": Decimal("180.00"),
        "trainer": "Dr. Jan-Philipp Reuter, Data Scientist",
        "body": [
            heading("Nüchtern statt Hype"),
            para(
                "<p>Künstliche Intelligenz ist in aller Munde. Für kleine Betriebe ist oft "
                "unklar, was davon im Alltag wirklich hilft und was nur Versprechen sind. "
                "In diesem Workshop arbeiten Sie mit konkreten Beispielen aus der Region: "
                "eine Arbeitsanweisung verständlich umschreiben, Reklamationen sortieren, "
                "Fehlerbilder auf Fotos erkennen.</p>"
                "<p>Die Termine finden abwechselnd in Präsenz und online statt. Inhalt und "
                "Ablauf sind gleich.</p>"
            ),
            heading("Ablauf"),
            para(
                "<ol><li>Wie KI arbeitet – in einfachen Worten</li>"
                "<li>Praxis: drei Aufgaben, drei Werkzeuge</li>"
                "<li>Recht und Sicherheit: Datenschutz, Geschäftsgeheimnisse, "
                "EU-KI-Verordnung</li>"
                "<li>Ihr nächster Schritt: eine kleine Anwendung für den eigenen Betrieb</li></ol>"
            ),
            info(
                "KI-Kompetenz nachweisen",
                "<p>Seit Februar 2025 müssen Unternehmen, die KI-Systeme einsetzen, für "
                "ausreichende KI-Kompetenz ihrer Beschäftigten sorgen (Art. 4 der "
                "EU-KI-Verordnung). Sie erhalten eine Teilnahmebescheinigung.</p>",
            ),
        ],
        "dates": [
            {
                "offset": 9,
                "weekday": 3,
                "district": None,
                "online": True,
                "capacity": 16,
                "firm_limit": None,
                "parts": [(0, "09:00", "12:30", "")],
                "confirmed": 6,
                "waitlisted": 0,
            },
            {
                "offset": 40,
                "weekday": 1,
                "district": "ludwigsburg",
                "capacity": 14,
                "firm_limit": 2,
                "parts": [(0, "13:00", "16:30", "")],
                "confirmed": 5,
                "waitlisted": 0,
            },
        ],
    },
]

# --- Pages ------------------------------------------------------------------------------------

WORKSHOP_INDEX = {
    "title": "Workshops",
    "slug": "workshops",
    "search_description": (
        "Workshopreihen des Weiterbildungsverbunds Region Stuttgart zu Robotik, 3D-Druck, "
        "digitalen Lerneinheiten und KI im Betrieb."
    ),
    "intro": (
        "<p>Unsere Workshopreihen sind praxisnah, kurz und auf kleine und mittlere "
        "Fertigungsbetriebe zugeschnitten. Sie finden in Mitgliedsbetrieben und "
        "Bildungszentren der Region statt, einige auch online. Für Beschäftigte von "
        "Mitgliedsunternehmen sind viele Workshops kostenfrei.</p>"
        "<p>Die Anmeldung übernimmt in der Regel die Firmenadministration Ihres "
        "Unternehmens. Wenn Ihr Betrieb es erlaubt, können Sie sich auch selbst anmelden.</p>"
    ),
}


def home_content(about_page_id, workshops_page_id):
    return {
        "intro": (
            "<p>Der Weiterbildungsverbund Region Stuttgart unterstützt kleine und mittlere "
            "Fertigungsbetriebe in Stuttgart und den Landkreisen Böblingen, Esslingen, "
            "Göppingen, Ludwigsburg und Rems-Murr dabei, ihre Beschäftigten für "
            "Automatisierung, Robotik, additive Fertigung, digitale Werkzeuge und "
            "Künstliche Intelligenz fit zu machen.</p>"
            "<p>Wir bieten eigene Workshopreihen, beraten neutral und zeigen Ihnen, welche "
            "Förderung für Ihr Vorhaben in Frage kommt.</p>"
        ),
        "firm_cta_title": "Mitglied werden – kostenfrei für Betriebe der Region",
        "firm_cta_text": (
            "<p>Die Mitgliedschaft im Verbund ist für Unternehmen aus der Region kostenfrei. "
            "Als Mitglied melden Sie Ihre Beschäftigten bequem online zu Workshops an, "
            "erhalten Teilnahmebescheinigungen und Rechnungen an einer Stelle und nutzen "
            "den Lernpool, in dem Betriebe ihre Lerneinheiten teilen.</p>"
            f'<p><a linktype="page" id="{about_page_id}">Mehr über den Verbund</a> · '
            f'<a linktype="page" id="{workshops_page_id}">Alle Workshopreihen</a></p>'
        ),
        "body": [
            heading("So arbeiten wir"),
            para(
                "<ul><li><b>Bedarf klären:</b> Wir besuchen Ihren Betrieb und sprechen mit "
                "Geschäftsführung, Personalverantwortlichen und Beschäftigten darüber, welche "
                "Kenntnisse in den nächsten Jahren gebraucht werden.</li>"
                "<li><b>Passende Angebote finden:</b> Wir kennen die Weiterbildungsangebote "
                "der Region und empfehlen unabhängig vom Anbieter.</li>"
                "<li><b>Gemeinsam lernen:</b> In unseren Workshopreihen lernen Beschäftigte "
                "verschiedener Betriebe voneinander – oft direkt in der Werkstatt eines "
                "Mitgliedsunternehmens.</li>"
                "<li><b>Förderung nutzen:</b> Wir zeigen, welche Programme die Kosten senken, "
                "und helfen beim Antrag.</li></ul>"
            ),
            info(
                "Förderung prüfen lassen",
                "<p>Längere Qualifizierungen können nach § 82 SGB III von der Agentur für "
                "Arbeit gefördert werden; kleine Betriebe erhalten dabei bis zu 100 % der "
                "Lehrgangskosten. Wir prüfen mit Ihnen, welches Programm passt.</p>",
            ),
            heading("Anlaufstellen in Ihrer Nähe"),
            para(
                "<p>Nicht alle erreichen wir gut über das Internet. Deshalb gibt es in jedem "
                "Landkreis Lotsinnen und Lotsen bei Kammern, Arbeitsagenturen und "
                "Gewerkschaften, die dieselben Informationen persönlich weitergeben. Rufen "
                "Sie uns an, wir nennen Ihnen die nächste Anlaufstelle.</p>"
            ),
        ],
    }


def imprint_page(today):
    o = OFFICE
    address = f"{o['street']}<br>{o['postal_code']} {o['city']}"
    return {
        "title": "Impressum",
        "slug": "impressum",
        "show_in_menus": False,
        "search_description": "Anbieterkennzeichnung des Weiterbildungsverbunds Region Stuttgart.",
        "intro": "Angaben gemäß § 5 Digitale-Dienste-Gesetz (DDG)",
        "body": [
            heading("Anbieter"),
            para(
                f"<p>{o['organisation']}<br>Koordinierungsstelle {o['office_name']}<br>"
                f"{address}</p>"
            ),
            heading("Vertreten durch"),
            para("<p>Dr. Hendrik Oswald, Geschäftsführer</p>"),
            heading("Kontakt"),
            para(
                f"<p>Telefon: {o['phone']}<br>"
                f'E-Mail: <a href="mailto:{o["email"]}">{o["email"]}</a></p>'
                "<p>Sie erreichen uns montags bis donnerstags von 9 bis 16 Uhr und freitags "
                "von 9 bis 12 Uhr.</p>"
            ),
            heading("Registereintrag"),
            para(
                "<p>Eingetragen im Handelsregister des Amtsgerichts Stuttgart unter HRB 765432.</p>"
            ),
            heading("Umsatzsteuer-Identifikationsnummer"),
            para(
                "<p>Umsatzsteuer-Identifikationsnummer gemäß § 27a Umsatzsteuergesetz: "
                "DE 999 999 999</p>"
            ),
            heading("Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV"),
            para(f"<p>Sabine Brenner, Leiterin der Koordinierungsstelle<br>{address}</p>"),
            heading("Förderung"),
            para(
                "<p>Die Koordinierungsstelle wird gefördert durch das Bundesministerium für "
                "Arbeit und Soziales und die Europäische Union über den Europäischen "
                "Sozialfonds Plus (ESF Plus) sowie durch die Landkreise der Region.</p>"
            ),
            heading("Verbraucherstreitbeilegung"),
            para(
                "<p>Wir sind nicht bereit und nicht verpflichtet, an Streitbeilegungsverfahren "
                "vor einer Verbraucherschlichtungsstelle teilzunehmen.</p>"
            ),
            heading("Hinweis zu Links"),
            para(
                "<p>Unsere Seiten enthalten Links zu Websites anderer Anbieter. Für deren "
                "Inhalte sind die jeweiligen Anbieter verantwortlich. Wir haben die verlinkten "
                "Seiten beim Setzen des Links geprüft. Erfahren wir von Rechtsverstößen, "
                "entfernen wir den Link umgehend.</p>"
            ),
            heading("Bildnachweise"),
            para(
                "<p>Fotos: Koordinierungsstelle des Weiterbildungsverbunds, sofern nicht "
                "anders angegeben. Alle Personen auf Fotos haben der Veröffentlichung "
                "zugestimmt.</p>"
            ),
            para(f"<p>Stand: {MONTHS_DE[today.month - 1]} {today.year}</p>"),
        ],
    }


def privacy_page(today):
    o = OFFICE
    return {
        "title": "Datenschutzerklärung",
        "slug": "datenschutz",
        "show_in_menus": False,
        "search_description": (
            "Wie der Weiterbildungsverbund Region Stuttgart personenbezogene Daten "
            "verarbeitet und welche Rechte Sie haben."
        ),
        "intro": (
            "Wir verarbeiten personenbezogene Daten nur, soweit es für unsere Arbeit nötig "
            "ist. Hier erfahren Sie, welche Daten wir wofür verwenden, wie lange wir sie "
            "speichern und welche Rechte Sie haben."
        ),
        "body": [
            heading("1. Verantwortliche Stelle"),
            para(
                f"<p>{o['organisation']}<br>Koordinierungsstelle {o['office_name']}<br>"
                f"{o['street']}, {o['postal_code']} {o['city']}<br>"
                f"Telefon: {o['phone']}<br>"
                f'E-Mail: <a href="mailto:{o["email"]}">{o["email"]}</a><br>'
                "Vertreten durch den Geschäftsführer Dr. Hendrik Oswald</p>"
            ),
            heading("2. Datenschutzbeauftragter"),
            para(
                "<p>Unseren Datenschutzbeauftragten erreichen Sie unter "
                '<a href="mailto:datenschutz@verbund.example">datenschutz@verbund.example</a> '
                "oder per Post an die oben genannte Anschrift mit dem Zusatz "
                "„Datenschutzbeauftragter – persönlich“.</p>"
            ),
            heading("3. Zwecke und Rechtsgrundlagen"),
            heading("3.1 Aufruf der Website und Server-Protokolle", "h3"),
            para(
                "<p>Beim Aufruf unserer Seiten speichert der Server für kurze Zeit: "
                "IP-Adresse, Datum und Uhrzeit, aufgerufene Adresse, übertragene Datenmenge, "
                "Statuscode und die Kennung des Browsers. Wir brauchen diese Angaben, um die "
                "Website auszuliefern und Angriffe abzuwehren. Rechtsgrundlage ist Art. 6 "
                "Abs. 1 lit. f DSGVO; unser berechtigtes Interesse ist ein sicherer und "
                "stabiler Betrieb. Die Protokolle werden nach sieben Tagen gelöscht, es sei "
                "denn, ein Sicherheitsvorfall muss aufgeklärt werden.</p>"
            ),
            heading("3.2 Cookies", "h3"),
            para(
                "<p>Wir setzen nur Cookies, die technisch erforderlich sind: ein "
                "Sitzungs-Cookie, solange Sie angemeldet sind, ein Cookie zum Schutz von "
                "Formularen vor Missbrauch (CSRF-Schutz) und – wenn Sie die Sprache wechseln "
                "– ein Cookie, das Ihre Sprachwahl speichert. Rechtsgrundlage ist § 25 Abs. 2 "
                "Nr. 2 TDDDG in Verbindung mit Art. 6 Abs. 1 lit. f DSGVO. Eine Einwilligung "
                "ist dafür nicht erforderlich. Cookies zur Analyse oder Werbung verwenden wir "
                "nicht.</p>"
            ),
            heading("3.3 Benutzerkonten für Mitgliedsunternehmen", "h3"),
            para(
                "<p>Für Firmenadministrationen, Ansprechpersonen und Beschäftigte mit eigenem "
                "Zugang speichern wir E-Mail-Adresse, Name, Unternehmen, Rolle, ein "
                "verschlüsseltes Passwort und – wenn Sie sie einrichten – die Daten der "
                "Zwei-Faktor-Anmeldung. Rechtsgrundlage ist Art. 6 Abs. 1 lit. b DSGVO "
                "(Mitgliedschaft und Nutzung der Plattform). Legt Ihr Arbeitgeber Sie als "
                "beschäftigte Person an, ist Rechtsgrundlage Art. 6 Abs. 1 lit. f DSGVO; das "
                "berechtigte Interesse besteht darin, die Weiterbildung im Verbund zu "
                "organisieren.</p>"
            ),
            heading("3.4 Anmeldung zu Workshops", "h3"),
            para(
                "<p>Für eine Anmeldung verarbeiten wir Name, Unternehmen, dienstliche "
                "E-Mail-Adresse, freiwillig die Abteilung, den Anmeldestatus (bestätigt, "
                "Warteliste) und die Anwesenheit. Damit führen wir den Workshop durch, "
                "vergeben Plätze in der Reihenfolge der Anmeldung, versenden Kalendereinladungen, "
                "stellen Teilnahmebescheinigungen und Rechnungen aus. Rechtsgrundlage ist "
                "Art. 6 Abs. 1 lit. b DSGVO (Vertrag über die Teilnahme). Meldet Ihr "
                "Unternehmen Sie an, ist Rechtsgrundlage für Ihre Daten Art. 6 Abs. 1 lit. f "
                "DSGVO.</p>"
                "<p>Unsere Zuwendungsgeber verlangen als Nachweis Teilnehmendenlisten. "
                "Diese Verarbeitung beruht auf Art. 6 Abs. 1 lit. c DSGVO in Verbindung mit "
                "den Nachweispflichten aus dem Zuwendungsbescheid und der Verordnung (EU) "
                "2021/1057 über den ESF Plus. Angaben zu Geschlecht und Altersgruppe sind "
                "freiwillig; wir erheben sie nur mit Ihrer Einwilligung (Art. 6 Abs. 1 lit. a "
                "DSGVO) und werten sie nur zusammengefasst aus.</p>"
                "<p>Teilen Sie uns einen Unterstützungsbedarf mit, zum Beispiel eine "
                "Gebärdensprachdolmetschung, verarbeiten wir diese Angabe auf Grundlage Ihrer "
                "ausdrücklichen Einwilligung (Art. 9 Abs. 2 lit. a DSGVO) und löschen sie nach "
                "dem Workshop.</p>"
            ),
            heading("3.5 Newsletter", "h3"),
            para(
                "<p>Unseren Newsletter erhalten Sie nur, wenn Sie ihn bestellen und Ihre "
                "E-Mail-Adresse über einen Bestätigungslink freischalten (Double-Opt-in). "
                "Rechtsgrundlage ist Ihre Einwilligung nach Art. 6 Abs. 1 lit. a DSGVO. Zum "
                "Nachweis speichern wir Zeitpunkt der Bestellung und Bestätigung (Art. 6 "
                "Abs. 1 lit. c DSGVO in Verbindung mit Art. 7 Abs. 1 DSGVO). Sie können den "
                "Newsletter jederzeit über den Link in jeder Ausgabe abbestellen. Wir messen "
                "weder Öffnungen noch Klicks.</p>"
            ),
            heading("3.6 Beratungsanfragen", "h3"),
            para(
                "<p>Wenn Sie uns um Beratung bitten – über das Formular, per E-Mail, Telefon "
                "oder bei einer Anlaufstelle –, verarbeiten wir Ihre Angaben, um die Anfrage "
                "zu beantworten und die Beratung durchzuführen. Rechtsgrundlage ist Art. 6 "
                "Abs. 1 lit. b DSGVO, soweit die Anfrage mit einer Mitgliedschaft oder einem "
                "Workshop zusammenhängt, sonst Art. 6 Abs. 1 lit. f DSGVO. An Partner im "
                "Lotsennetzwerk oder an Bildungsanbieter geben wir Ihre Anfrage nur mit Ihrer "
                "Einwilligung weiter (Art. 6 Abs. 1 lit. a DSGVO).</p>"
            ),
            heading("3.7 Fotos bei Veranstaltungen", "h3"),
            para(
                "<p>Fotos, auf denen Sie erkennbar sind, veröffentlichen wir nur mit Ihrer "
                "Einwilligung (Art. 6 Abs. 1 lit. a DSGVO). Sie können die Einwilligung "
                "jederzeit widerrufen; wir entfernen das Foto dann von unseren Seiten.</p>"
            ),
            heading("4. Empfänger"),
            para(
                "<ul><li>Unser Hosting-Dienstleister und unser E-Mail-Dienstleister verarbeiten "
                "Daten in unserem Auftrag (Art. 28 DSGVO). Die Server stehen in Deutschland.</li>"
                "<li>Trainerinnen und Trainer erhalten für ihren Workshop Name und "
                "Unternehmen der Teilnehmenden.</li>"
                "<li>Zuwendungsgeber und Prüfbehörden erhalten Teilnehmendenlisten und "
                "zusammengefasste Auswertungen.</li>"
                "<li>Unsere Steuerberatung erhält Rechnungsdaten.</li></ul>"
                "<p>Eine Übermittlung in Länder außerhalb der Europäischen Union findet "
                "nicht statt.</p>"
            ),
            heading("5. Speicherdauer"),
            para(
                "<ul><li>Server-Protokolle: sieben Tage.</li>"
                "<li>Benutzerkonten: bis Sie das Konto löschen oder Ihr Unternehmen die "
                "Mitgliedschaft beendet; danach löschen wir innerhalb von drei Monaten, soweit "
                "keine Aufbewahrungspflicht besteht.</li>"
                "<li>Anmeldungen und Teilnehmendenlisten: fünf Jahre nach Vorlage des "
                "abschließenden Verwendungsnachweises bei unseren Zuwendungsgebern; verlangt "
                "ein Zuwendungsgeber eine längere Frist, gilt diese.</li>"
                "<li>Rechnungen und Buchungsbelege: acht Jahre (§ 147 Abgabenordnung, § 257 "
                "Handelsgesetzbuch).</li>"
                "<li>Beratungsanfragen: drei Jahre nach Ende des Jahres, in dem die Beratung "
                "abgeschlossen wurde.</li>"
                "<li>Newsletter: bis zur Abbestellung; den Nachweis der Einwilligung drei "
                "Jahre darüber hinaus.</li>"
                "<li>Freiwillige Angaben zu Geschlecht und Altersgruppe: bis zur Abgabe des "
                "jeweiligen Jahresberichts, danach nur noch anonym zusammengefasst.</li></ul>"
            ),
            heading("6. Ihre Rechte"),
            para(
                "<p>Sie haben das Recht auf Auskunft (Art. 15 DSGVO), Berichtigung (Art. 16), "
                "Löschung (Art. 17), Einschränkung der Verarbeitung (Art. 18), "
                "Datenübertragbarkeit (Art. 20) und Widerspruch (Art. 21). Eine Einwilligung "
                "können Sie jederzeit mit Wirkung für die Zukunft widerrufen (Art. 7 Abs. 3 "
                "DSGVO). Eine E-Mail an "
                '<a href="mailto:datenschutz@verbund.example">datenschutz@verbund.example</a> '
                "genügt.</p>"
            ),
            info(
                "Widerspruchsrecht",
                "<p>Verarbeiten wir Daten auf Grundlage von Art. 6 Abs. 1 lit. f DSGVO, können "
                "Sie aus Gründen, die sich aus Ihrer besonderen Situation ergeben, jederzeit "
                "widersprechen. Wir verarbeiten die Daten dann nicht mehr, es sei denn, es "
                "gibt zwingende schutzwürdige Gründe, die Ihre Interessen überwiegen.</p>",
            ),
            para(
                "<p>Sie können sich bei einer Datenschutz-Aufsichtsbehörde beschweren "
                "(Art. 77 DSGVO). Für uns zuständig ist die Landesbeauftragte oder der "
                "Landesbeauftragte für den Datenschutz und die Informationsfreiheit "
                "Baden-Württemberg, Lautenschlagerstraße 20, 70173 Stuttgart, "
                '<a href="https://www.baden-wuerttemberg.datenschutz.de">'
                "www.baden-wuerttemberg.datenschutz.de</a>.</p>"
            ),
            heading("7. Keine Tracker, keine externen Dienste"),
            para(
                "<p>Wir verwenden keine Analyse- oder Werbedienste, keine Social-Media-Plugins, "
                "keine extern geladenen Schriften und keine Content-Delivery-Netzwerke. Alle "
                "Dateien dieser Website werden von unserem eigenen Server ausgeliefert. "
                "Links zu LinkedIn oder Mastodon sind einfache Links; erst wenn Sie ihnen "
                "folgen, gelten die Datenschutzbestimmungen des jeweiligen Anbieters. "
                "Online-Workshops führen wir über eine Videokonferenz-Lösung durch, die in "
                "unserem Auftrag in Deutschland betrieben wird.</p>"
            ),
            heading("8. Pflichtangaben und automatisierte Entscheidungen"),
            para(
                "<p>Für eine Anmeldung brauchen wir Ihren Namen und Ihr Unternehmen; ohne "
                "diese Angaben können wir keinen Platz vergeben. Alle weiteren Angaben sind "
                "freiwillig und als solche gekennzeichnet. Ausschließlich automatisierte "
                "Entscheidungen im Sinne des Art. 22 DSGVO treffen wir nicht; Plätze werden "
                "in der Reihenfolge der Anmeldungen vergeben.</p>"
            ),
            para(f"<p>Stand: {MONTHS_DE[today.month - 1]} {today.year}</p>"),
        ],
    }


def accessibility_page(today):
    o = OFFICE
    return {
        "title": "Erklärung zur Barrierefreiheit",
        "slug": "barrierefreiheit",
        "show_in_menus": False,
        "search_description": (
            "Stand der Barrierefreiheit dieser Website, bekannte Mängel, Kontakt für "
            "Rückmeldungen und Schlichtungsverfahren."
        ),
        "intro": (
            f"Die {o['organisation']} ist bemüht, ihre Website im Einklang mit § 10 des "
            "Landes-Behindertengleichstellungsgesetzes Baden-Württemberg (L-BGG) und der "
            "Barrierefreie-Informationstechnik-Verordnung (BITV 2.0) barrierefrei zugänglich "
            "zu machen."
        ),
        "body": [
            heading("Geltungsbereich"),
            para(
                "<p>Diese Erklärung gilt für die Website des Weiterbildungsverbunds Region "
                "Stuttgart unter verbund.example einschließlich der Anmeldung zu Workshops "
                "und des Bereichs für Mitgliedsunternehmen.</p>"
            ),
            heading("Stand der Vereinbarkeit mit den Anforderungen"),
            para(
                "<p>Die Anforderungen ergeben sich aus der europäischen Norm EN 301 549 "
                "(Version 3.2.1), die auf den Web Content Accessibility Guidelines (WCAG) 2.1 "
                "in der Konformitätsstufe AA beruht.</p>"
                "<p>Diese Website ist wegen der folgenden Unvereinbarkeiten "
                "<b>teilweise vereinbar</b> mit den Anforderungen.</p>"
            ),
            heading("Nicht barrierefreie Inhalte"),
            para(
                "<ul><li><b>Ältere PDF-Dokumente:</b> Programmhefte, Flyer und "
                f"Seminarunterlagen, die vor dem 1. Januar {today.year} veröffentlicht "
                "wurden, sind nicht vollständig getaggt. Überschriften und Lesereihenfolge "
                "werden von Screenreadern teilweise nicht erkannt, einzelne Grafiken haben "
                "keinen Alternativtext. Wir ersetzen diese Dokumente schrittweise. Auf "
                "Anfrage schicken wir Ihnen die Inhalte sofort in einer barrierefreien Form.</li>"
                "<li><b>Aufzeichnungen von Online-Workshops:</b> Die Untertitel werden "
                "automatisch erzeugt und nicht nachbearbeitet; sie enthalten Fehler. Ein "
                "redigiertes Transkript erhalten Sie auf Anfrage.</li>"
                "<li><b>Lerneinheiten von Mitgliedsbetrieben:</b> Betriebe können im Lernpool "
                "eigene Lerneinheiten (zum Beispiel H5P-Inhalte) teilen. Diese Inhalte stammen "
                "nicht von uns und wurden nicht alle auf Barrierefreiheit geprüft.</li>"
                "<li><b>Verwaltungsbereich:</b> Der Bereich, in dem die Koordinierungsstelle "
                "Inhalte pflegt, wurde noch nicht vollständig geprüft. Bekannt ist, dass "
                "einzelne Auswahlfelder mit der Tastatur schwer zu bedienen sind.</li></ul>"
            ),
            heading("Erstellung dieser Erklärung"),
            para(
                f"<p>Diese Erklärung wurde am {long_date(today)} erstellt. Sie beruht auf einer "
                "Selbstbewertung mit Prüfschritten nach WCAG 2.1 und Tests mit Tastatur, "
                "Screenreader (NVDA und VoiceOver) und 200 % Vergrößerung. Die Erklärung "
                "wurde zuletzt am "
                f"{long_date(today)} überprüft.</p>"
            ),
            heading("Feedback und Kontakt"),
            para(
                "<p>Sind Ihnen Mängel beim barrierefreien Zugang zu Inhalten aufgefallen? "
                "Brauchen Sie Informationen in einer barrierefreien Form? Dann schreiben Sie "
                "uns oder rufen Sie an:</p>"
                f"<p>{o['organisation']}<br>Koordinierungsstelle, Stichwort "
                f"„Barrierefreiheit“<br>{o['street']}, {o['postal_code']} {o['city']}<br>"
                "E-Mail: "
                '<a href="mailto:barrierefreiheit@verbund.example">'
                "barrierefreiheit@verbund.example</a><br>"
                "Telefon: 0711 123456-14</p>"
                "<p>Wir antworten in der Regel innerhalb von zwei Wochen.</p>"
            ),
            heading("Schlichtungsverfahren"),
            para(
                "<p>Wenn Sie auf Ihre Rückmeldung keine oder keine zufriedenstellende Antwort "
                "erhalten haben, können Sie einen Antrag auf ein Schlichtungsverfahren stellen "
                "(§ 10b L-BGG). Zuständig ist die Schlichtungsstelle beim Landeszentrum "
                "Barrierefreiheit Baden-Württemberg (LZ-BARR). Sie hilft, Konflikte zwischen "
                "Menschen mit Behinderungen und öffentlichen Stellen ohne Gericht zu lösen. "
                "Das Verfahren ist kostenfrei; Sie brauchen keinen Rechtsbeistand.</p>"
                "<p>Landeszentrum Barrierefreiheit, Schlichtungsstelle<br>"
                "Else-Josenhans-Straße 6<br>70173 Stuttgart<br>"
                '<a href="https://barrierefreiheit-bw.de">barrierefreiheit-bw.de</a></p>'
                "<p>Den Antrag können Sie über das Formular auf der Website des Landeszentrums, "
                "per E-Mail, per Post oder nach Terminabsprache mündlich vor Ort stellen.</p>"
            ),
        ],
    }


def easy_language_page(today):
    o = OFFICE
    return {
        "title": "Leichte Sprache",
        "slug": "leichte-sprache",
        # Linked from the head of every page and from the home page instead.
        "show_in_menus": False,
        "search_description": "Informationen über den Weiterbildungs-Verbund in Leichter Sprache.",
        "intro": "Hier erklären wir in Leichter Sprache: Was ist der Weiterbildungs-Verbund?",
        "body": [
            heading("Wer sind wir?"),
            para(
                "<p>Wir sind der Weiterbildungs-Verbund Region Stuttgart.</p>"
                "<p>Ein Verbund ist eine Gruppe.</p>"
                "<p>In unserer Gruppe sind viele Firmen.</p>"
                "<p>Die Firmen sind aus Stuttgart und aus der Umgebung von Stuttgart.</p>"
                "<p>Die Firmen stellen Sachen her.</p>"
                "<p>Zum Beispiel: Teile für Autos oder Teile für Maschinen.</p>"
            ),
            heading("Was ist Weiter-Bildung?"),
            para(
                "<p>Weiter-Bildung bedeutet: Sie lernen etwas Neues für Ihre Arbeit.</p>"
                "<p>Das ist auch nach der Schule wichtig.</p>"
                "<p>Und auch nach der Ausbildung.</p>"
                "<p>Denn die Arbeit verändert sich.</p>"
                "<p>Es gibt neue Maschinen.</p>"
                "<p>Und es gibt neue Computer-Programme.</p>"
            ),
            heading("Was machen wir?"),
            para(
                "<p>Wir helfen den Firmen.</p>"
                "<p>Wir finden heraus: Was müssen die Menschen in der Firma lernen?</p>"
                "<p>Wir sagen den Firmen: Hier können Ihre Leute das lernen.</p>"
                "<p>Wir machen auch selbst Kurse.</p>"
                "<p>Die Kurse heißen bei uns: Workshops.</p>"
            ),
            heading("Was ist ein Workshop?"),
            para(
                "<p>Ein Workshop ist ein Kurs.</p>"
                "<p>Ein Workshop dauert meistens einen halben Tag oder einen ganzen Tag.</p>"
                "<p>In einem Workshop lernen Sie in einer Gruppe.</p>"
                "<p>Sie probieren viele Sachen selbst aus.</p>"
                "<p>Zum Beispiel:</p>"
                "<ul><li>Sie lernen, wie man einen Roboter bedient.</li>"
                "<li>Sie lernen, wie ein 3D-Drucker funktioniert. "
                "Ein 3D-Drucker macht Gegenstände aus Kunststoff.</li>"
                "<li>Sie lernen, wie man ein kurzes Lern-Video macht.</li></ul>"
            ),
            heading("Wie kann ich mitmachen?"),
            para(
                "<p>Sie arbeiten in einer Firma?</p>"
                "<p>Und die Firma ist Mitglied bei uns?</p>"
                "<p>Dann kann Ihre Firma Sie für einen Workshop anmelden.</p>"
                "<p>Fragen Sie in Ihrer Firma nach.</p>"
                "<p>Zum Beispiel in der Personal-Abteilung.</p>"
                "<p>Viele Workshops kosten für Sie nichts.</p>"
            ),
            heading("Wir helfen auch persönlich"),
            para(
                "<p>Sie wollen lieber mit einem Menschen sprechen?</p>"
                "<p>Das geht auch.</p>"
                "<p>Es gibt in jedem Land-Kreis eine Anlauf-Stelle.</p>"
                "<p>Eine Anlauf-Stelle ist ein Büro.</p>"
                "<p>Dort bekommen Sie die gleichen Informationen wie im Internet.</p>"
                "<p>Rufen Sie uns an.</p>"
                "<p>Wir sagen Ihnen: Hier ist die Anlauf-Stelle in Ihrer Nähe.</p>"
            ),
            heading("So erreichen Sie uns"),
            para(
                f"<p>Sie können uns anrufen.</p><p>Die Telefon-Nummer ist: {o['phone']}</p>"
                "<p>Sie können uns eine E-Mail schreiben.</p>"
                f'<p>Die E-Mail-Adresse ist: <a href="mailto:{o["email"]}">{o["email"]}</a></p>'
                "<p>Sie können uns auch besuchen.</p>"
                f"<p>Unsere Adresse ist:<br>{o['office_name']}<br>{o['street']}<br>"
                f"{o['postal_code']} {o['city']}</p>"
            ),
        ],
    }


def about_page(today):
    o = OFFICE
    return {
        "title": "Über uns",
        "slug": "ueber-uns",
        "show_in_menus": True,
        "search_description": (
            "Die Koordinierungsstelle des Weiterbildungsverbunds Region Stuttgart: Aufgaben, "
            "Team, Förderung und Partner."
        ),
        "intro": (
            "Der Weiterbildungsverbund Region Stuttgart bringt Betriebe, Kammern, "
            "Arbeitsagenturen, Gewerkschaften und Bildungsanbieter zusammen, damit kleine und "
            "mittlere Unternehmen den technischen Wandel mit ihren eigenen Beschäftigten "
            "bewältigen."
        ),
        "body": [
            heading("Die Koordinierungsstelle"),
            para(
                f"<p>Die Koordinierungsstelle ist bei der {o['organisation']} in Stuttgart "
                "angesiedelt. Sie ist die erste Anlaufstelle für alle Fragen rund um "
                "Weiterbildung in den Mitgliedsbetrieben. Unsere Beratung ist neutral: Wir "
                "verkaufen keine eigenen Lehrgänge und empfehlen Angebote aller Anbieter der "
                "Region.</p>"
                "<p>Zu unseren Aufgaben gehören:</p>"
                "<ul><li>Weiterbildungsbedarfe in den Betrieben erheben und gemeinsam mit "
                "ihnen Personalentwicklungsstrategien entwickeln,</li>"
                "<li>eigene Workshopreihen zu Robotik, 3D-Druck, digitalen Lerneinheiten und "
                "KI im Betrieb organisieren,</li>"
                "<li>über Förderprogramme informieren und bei Anträgen unterstützen,</li>"
                "<li>den Austausch zwischen den Betrieben fördern, zum Beispiel bei "
                "Werkstattbesuchen,</li>"
                "<li>das Lotsennetzwerk mit Anlaufstellen in allen Landkreisen koordinieren.</li>"
                "</ul>"
            ),
            heading("Unser Team"),
            para(
                "<ul><li><b>Sabine Brenner</b> leitet die Koordinierungsstelle und berät "
                "Geschäftsführungen zu Personalentwicklung und Förderung.</li>"
                "<li><b>Jonas Albers</b> plant die Workshopreihen, betreut Trainerinnen und "
                "Trainer und ist Ansprechpartner für Anmeldungen.</li></ul>"
                f"<p>Sie erreichen uns unter {o['phone']} oder "
                f'<a href="mailto:{o["email"]}">{o["email"]}</a>.</p>'
            ),
            heading("Förderung"),
            para(
                "<p>Die Koordinierungsstelle wird vom Bundesministerium für Arbeit und "
                "Soziales und der Europäischen Union über den Europäischen Sozialfonds Plus "
                "(ESF Plus) gefördert. Die Landkreise der Region beteiligen sich an der "
                "Finanzierung. Deshalb ist die Mitgliedschaft für Unternehmen kostenfrei und "
                "viele Workshops sind es für Mitglieder ebenfalls.</p>"
                "<p>Einmal im Jahr berichten wir unseren Zuwendungsgebern, wie viele Betriebe "
                "und Beschäftigte wir erreicht haben. Dafür werten wir Teilnehmendenlisten aus; "
                "Einzelheiten stehen in unserer Datenschutzerklärung.</p>"
            ),
            heading("Partner im Verbund"),
            para(
                "<ul><li>die Industrie- und Handelskammer und die Handwerkskammer mit ihren "
                "Bezirkskammern und Geschäftsstellen in den Landkreisen,</li>"
                "<li>die Agenturen für Arbeit der Region mit ihrem Arbeitgeber-Service,</li>"
                "<li>die Gewerkschaften mit ihren Verwaltungsstellen und "
                "Weiterbildungsmentorinnen und -mentoren in den Betrieben,</li>"
                "<li>Berufsschulen, Hochschulen und private Bildungsanbieter, die Workshops "
                "und Lehrgänge durchführen,</li>"
                "<li>die Wirtschaftsförderungen der Landkreise.</li></ul>"
                "<p>Die Geschäftsstellen der Partner sind zugleich Anlaufstellen unseres "
                "Lotsennetzwerks: Wer lieber persönlich als online fragt, bekommt dort "
                "dieselben Informationen.</p>"
            ),
        ],
    }


STANDARD_PAGES = [about_page, imprint_page, privacy_page, accessibility_page, easy_language_page]


def sign_language_page():
    """The page in Deutsche Gebärdensprache; the video and its captions come from
    demo_media/ (see _demo_media.py)."""
    o = OFFICE
    return {
        "title": "Gebärdensprache",
        "slug": "gebaerdensprache",
        "show_in_menus": False,
        "search_description": (
            "Informationen über den Weiterbildungsverbund in Deutscher Gebärdensprache (DGS), "
            "mit Untertiteln und als Text."
        ),
        "intro": (
            "In diesem Video stellen wir den Weiterbildungsverbund in Deutscher "
            "Gebärdensprache vor. Darunter steht derselbe Inhalt als Text."
        ),
        "supplied_by": (
            f"Das Video stellt die Koordinierungsstelle {o['office_name']} selbst bereit; es "
            "wird von dieser Website abgespielt, ohne fremden Videodienst. In dieser "
            "Demo-Installation ist es ein kurzer Platzhalter, den die Koordinierungsstelle "
            "durch ihre Aufnahme in Deutscher Gebärdensprache ersetzt."
        ),
        "transcript": (
            f"<p>Willkommen beim {o['office_name']}.</p>"
            "<p>Wir helfen Firmen, ihre Beschäftigten weiterzubilden. Wir bieten Workshops an, "
            "zum Beispiel zu Robotern und zum 3D-Druck. Wir zeigen Firmen, welche Förderung "
            "zu ihnen passt.</p>"
            "<p>Fragen Sie uns: per E-Mail an "
            f'<a href="mailto:{o["email"]}">{o["email"]}</a>, am Telefon unter '
            f"{o['phone']} oder bei einer Anlaufstelle in Ihrer Nähe. Für ein Gespräch mit "
            "Gebärdensprachdolmetschung vereinbaren wir gern einen Termin.</p>"
        ),
    }


# --- Topic pages ------------------------------------------------------------------------------

TOPIC_INDEX = {
    "title": "Themen",
    "slug": "themen",
    "show_in_menus": True,
    "search_description": "Die Themen des Weiterbildungsverbunds Region Stuttgart.",
    "intro": (
        "<p>Zu diesen Themen bieten wir Workshopreihen an und beraten Betriebe. Auf jeder "
        "Themenseite finden Sie die Reihen, die nächsten Termine und einen Kalender zum "
        "Abonnieren.</p>"
    ),
}

TOPIC_BODIES = {
    "robotik": [
        heading("Automatisieren, auch bei kleinen Losgrößen"),
        para(
            "<p>Kollaborierende Roboter sind in wenigen Tagen eingerichtet und lassen sich "
            "ohne Programmierkenntnisse anlernen. Wir zeigen, wo sie sich lohnen, was die "
            "Sicherheit verlangt und wie Beschäftigte sie selbst umrüsten.</p>"
        ),
    ],
    "3d-druck": [
        heading("Vom Prototyp zur Vorrichtung"),
        para(
            "<p>Additive Fertigung spart Zeit bei Prototypen, Ersatzteilen und "
            "Betriebsmitteln. Unsere Workshops zeigen Verfahren, Werkstoffe und die "
            "Konstruktion für den 3D-Druck.</p>"
        ),
    ],
    "digitale-lerneinheiten": [
        heading("Wissen im Betrieb weitergeben"),
        para(
            "<p>Kurze Lernvideos, Quizze und Schritt-für-Schritt-Anleitungen helfen beim "
            "Einarbeiten und Umrüsten. Betriebe lernen bei uns, solche Lerneinheiten selbst "
            "zu erstellen und im Verbund zu teilen.</p>"
        ),
    ],
    "ki-im-betrieb": [
        heading("KI sinnvoll und sicher nutzen"),
        para(
            "<p>Von der Angebotserstellung bis zur Qualitätsprüfung: Wir zeigen, wo "
            "KI-Werkzeuge im Arbeitsalltag helfen, wo ihre Grenzen liegen und was der "
            "Datenschutz verlangt.</p>"
        ),
    ],
}

# --- Funding programmes ------------------------------------------------------------------------
# The rules as checked in November 2026 (see the domain notes); the office keeps them current
# on the programme pages. The Bildungsprämie ended on 31 December 2021 and is not offered.

FUNDING_CHECKED_ON = date(2026, 11, 16)
# Rules read again in December 2026: Qualifizierungsgeld in small firms, the Aufstiegs-BAföG's
# maintenance grant, § 81 for people without a vocational qualification.
FUNDING_RECHECKED_ON = date(2026, 12, 7)

FUNDING_INDEX = {
    "title": "Förderung",
    "slug": "foerderung",
    "show_in_menus": True,
    "search_description": (
        "Förderprogramme für die Weiterbildung von Beschäftigten in kleinen und mittleren "
        "Unternehmen: § 82 und § 81 SGB III, Qualifizierungsgeld, Aufstiegs-BAföG, ESF Plus."
    ),
    "intro": (
        "<p>Viele Weiterbildungen werden öffentlich gefördert – oft bis zur Hälfte der "
        "Kosten oder mehr. Hier finden Sie die wichtigsten Programme für Betriebe in der "
        "Region. Der Förder-Check zeigt Ihnen in einer Minute, welche davon zu Ihrem Fall "
        "passen könnten. Unsere Lotsinnen und Lotsen beraten Sie gern persönlich.</p>"
    ),
}

FUNDING_PROGRAMMES = [
    {
        "key": "sgb3-82",
        "slug": "beschaeftigtenqualifizierung-82-sgb-iii",
        "title": "Qualifizierung von Beschäftigten (§ 82 SGB III)",
        "teaser": (
            "Die Agentur für Arbeit fördert längere Weiterbildungen von Beschäftigten: Sie "
            "übernimmt je nach Betriebsgröße einen Teil oder alle Lehrgangskosten und zahlt "
            "einen Zuschuss zum Arbeitsentgelt."
        ),
        "benefit_summary": (
            "25 bis 100 % der Lehrgangskosten und bis zu 75 % Zuschuss zum Arbeitsentgelt"
        ),
        "applicant": "der Arbeitgeber beim Arbeitgeber-Service der Agentur für Arbeit",
        "duration_unit": "hours",
        "min_duration": Decimal("120"),
        "min_duration_exclusive": True,
        "max_duration": None,
        "approval_required": "both",
        "requires_vocational_qualification": True,
        "alternative_without_qualification": "sgb3-81",
        "not_combinable_with": ["qualifizierungsgeld"],
        "min_years_since_qualification": 2,
        "min_age": None,
        "federal_states": [],
        "max_amount": None,
        "conditions": (
            "Die Person wurde in den letzten zwei Jahren nicht nach § 82 SGB III gefördert.\n"
            "Die Weiterbildung geht über eine kurze arbeitsplatzbezogene Anpassung hinaus.\n"
            "Der Antrag wird vor Beginn des Kurses gestellt."
        ),
        "legal_source": (
            "§ 82 SGB III in der Fassung des Weiterbildungsgesetzes vom 17. Juli 2023"
        ),
        "source_url": "https://www.gesetze-im-internet.de/sgb_3/__82.html",
        "valid_from": date(2024, 4, 1),
        "rates": [
            {
                "min_employees": 0,
                "max_employees": 49,
                "course_cost_percent": 100,
                "wage_subsidy_percent": 75,
            },
            {
                "min_employees": 50,
                "max_employees": 499,
                "course_cost_percent": 50,
                "wage_subsidy_percent": 50,
                "raised_course_cost_percent": 100,
                "raised_from_age": 45,
                "raised_if_severely_disabled": True,
            },
            {
                "min_employees": 500,
                "max_employees": None,
                "course_cost_percent": 25,
                "wage_subsidy_percent": 25,
            },
        ],
        "body": [
            heading("Was gefördert wird"),
            para(
                "<p>Gefördert werden Weiterbildungen von mehr als 120 Stunden bei einem nach "
                "AZAV zugelassenen Träger, die mehr vermitteln als eine kurze Einweisung am "
                "Arbeitsplatz. Der Berufsabschluss der oder des Beschäftigten liegt in der "
                "Regel mindestens zwei Jahre zurück.</p>"
            ),
            heading("Wie viel gefördert wird"),
            para(
                "<p>Betriebe mit weniger als 50 Beschäftigten erhalten 100 % der "
                "Lehrgangskosten, Betriebe mit 50 bis 499 Beschäftigten 50 % und größere "
                "25 %. In Betrieben unter 500 Beschäftigten werden für Beschäftigte ab 45 "
                "Jahren oder mit Schwerbehinderung 100 % übernommen. Dazu kommt ein Zuschuss "
                "zum Arbeitsentgelt von bis zu 75, 50 bzw. 25 %.</p>"
            ),
        ],
    },
    {
        "key": "sgb3-81",
        "checked_on": FUNDING_RECHECKED_ON,
        "slug": "berufsabschluss-nachholen-81-sgb-iii",
        "title": "Berufsabschluss nachholen (§ 81 SGB III)",
        "teaser": (
            "Beschäftigte ohne Berufsabschluss können ihn mit Förderung der Agentur für "
            "Arbeit nachholen, auch in Teilqualifikationen neben der Arbeit."
        ),
        "benefit_summary": (
            "Lehrgangskosten über einen Bildungsgutschein; der Arbeitgeber kann einen "
            "Zuschuss zum Arbeitsentgelt für die Zeit der Weiterbildung erhalten"
        ),
        "applicant": "die oder der Beschäftigte gemeinsam mit dem Arbeitgeber bei der "
        "Agentur für Arbeit",
        "duration_unit": "hours",
        "min_duration": None,
        "min_duration_exclusive": False,
        "max_duration": None,
        "approval_required": "both",
        "requires_vocational_qualification": False,
        "only_without_qualification": True,
        "min_years_since_qualification": None,
        "min_age": None,
        "federal_states": [],
        "max_amount": None,
        "conditions": (
            "Die Weiterbildung führt zu einem anerkannten Berufsabschluss oder zu einer "
            "Teilqualifikation auf dem Weg dorthin.\n"
            "Die Agentur für Arbeit hat vor Beginn beraten und einen Bildungsgutschein "
            "ausgegeben."
        ),
        "legal_source": "§ 81 SGB III (Weiterbildung mit dem Ziel eines Berufsabschlusses)",
        "source_url": "https://www.gesetze-im-internet.de/sgb_3/__81.html",
        "valid_from": date(2024, 4, 1),
        "rates": [],
        "body": [
            heading("Für wen es gedacht ist"),
            para(
                "<p>Für Beschäftigte ohne Berufsabschluss – oder mit einem Abschluss, in dem "
                "sie seit Jahren nicht mehr arbeiten – übernimmt die Agentur für Arbeit die "
                "Kosten einer Umschulung oder von Teilqualifikationen. Der Betrieb kann für "
                "die Zeit der Weiterbildung einen Zuschuss zum Lohn erhalten.</p>"
            ),
        ],
    },
    {
        "key": "qualifizierungsgeld",
        "checked_on": FUNDING_RECHECKED_ON,
        "slug": "qualifizierungsgeld",
        "title": "Qualifizierungsgeld (§§ 82a–82c SGB III)",
        "teaser": (
            "Wenn der Strukturwandel einen großen Teil der Belegschaft betrifft, zahlt die "
            "Agentur für Arbeit während der Weiterbildung einen Ersatz für das ausfallende "
            "Nettoentgelt."
        ),
        "benefit_summary": (
            "60 % des ausfallenden Nettoentgelts (67 % mit Kind); die Lehrgangskosten trägt "
            "der Arbeitgeber"
        ),
        "applicant": "der Arbeitgeber bei der Agentur für Arbeit",
        "duration_unit": "hours",
        "min_duration": Decimal("120"),
        "min_duration_exclusive": True,
        "max_duration": None,
        "approval_required": "both",
        "requires_vocational_qualification": False,
        "not_combinable_with": ["sgb3-82"],
        "min_years_since_qualification": None,
        "min_age": None,
        "federal_states": [],
        "max_amount": None,
        "conditions": "Der Arbeitgeber trägt die Lehrgangskosten.",
        "legal_source": (
            "§§ 82a–82c SGB III, eingeführt durch das Weiterbildungsgesetz vom 17. Juli 2023; "
            "Erklärung statt Betriebsvereinbarung unter 10 Beschäftigten: Fachliche Weisungen "
            "und FAQ der Bundesagentur für Arbeit"
        ),
        "source_url": "https://www.gesetze-im-internet.de/sgb_3/__82a.html",
        "valid_from": date(2024, 4, 1),
        "rates": [
            {
                "min_employees": 0,
                "max_employees": 9,
                "note": "60 % des ausfallenden Nettoentgelts, 67 % mit Kind",
                "conditions": (
                    "Mindestens 10 % der Belegschaft brauchen wegen des Strukturwandels eine "
                    "Qualifizierung.\n"
                    "Eine schriftliche Erklärung des Arbeitgebers ersetzt die "
                    "Betriebsvereinbarung oder den Tarifvertrag."
                ),
            },
            {
                "min_employees": 10,
                "max_employees": 249,
                "note": "60 % des ausfallenden Nettoentgelts, 67 % mit Kind",
                "conditions": (
                    "Mindestens 10 % der Belegschaft brauchen wegen des Strukturwandels eine "
                    "Qualifizierung.\n"
                    "Es gibt eine Betriebsvereinbarung oder einen Tarifvertrag zur Qualifizierung."
                ),
            },
            {
                "min_employees": 250,
                "max_employees": None,
                "note": "60 % des ausfallenden Nettoentgelts, 67 % mit Kind",
                "conditions": (
                    "Mindestens 20 % der Belegschaft brauchen wegen des Strukturwandels eine "
                    "Qualifizierung.\n"
                    "Es gibt eine Betriebsvereinbarung oder einen Tarifvertrag zur Qualifizierung."
                ),
            },
        ],
        "body": [
            heading("Für wen es gedacht ist"),
            para(
                "<p>Das Qualifizierungsgeld hilft Betrieben, deren Arbeitsplätze sich durch "
                "neue Technik oder neue Produkte grundlegend ändern. Die Beschäftigten "
                "bleiben angestellt und lernen für die neuen Aufgaben; die Agentur für "
                "Arbeit ersetzt einen Teil des Entgelts.</p>"
            ),
        ],
    },
    {
        "key": "aufstiegs-bafoeg",
        "checked_on": FUNDING_RECHECKED_ON,
        "slug": "aufstiegs-bafoeg",
        "title": "Aufstiegs-BAföG",
        "teaser": (
            "Für den Weg zur Meisterin, zum Techniker oder zur Fachwirtin: Zuschuss und "
            "günstiges Darlehen für Lehrgangs- und Prüfungsgebühren."
        ),
        "benefit_summary": (
            "50 % der Lehrgangs- und Prüfungsgebühren (bis 15.000 €) als Zuschuss, der Rest "
            "als Darlehen; in Vollzeit ein Unterhaltsbeitrag als voller Zuschuss, erhöht zum "
            "1. August 2024"
        ),
        "applicant": "die oder der Beschäftigte beim Amt für Ausbildungsförderung",
        "duration_unit": "teaching_units",
        "min_duration": Decimal("400"),
        "min_duration_exclusive": False,
        "max_duration": None,
        "approval_required": "",
        "requires_vocational_qualification": True,
        "min_years_since_qualification": None,
        "min_age": None,
        "federal_states": [],
        "max_amount": Decimal("15000"),
        "conditions": (
            "Der Kurs bereitet auf eine Fortbildungsprüfung vor, z. B. Meister, Techniker "
            "oder Fachwirt."
        ),
        "legal_source": (
            "Aufstiegsfortbildungsförderungsgesetz (AFBG); Unterhaltsbeitrag erhöht zum "
            "1. August 2024 durch das 29. BAföG-Änderungsgesetz"
        ),
        "source_url": "https://www.aufstiegs-bafoeg.de",
        "valid_from": date(2020, 8, 1),
        "rates": [
            {
                "min_employees": 0,
                "max_employees": None,
                "course_cost_percent": 50,
                "note": "Der Rest ist ein Darlehen; nach bestandener Prüfung wird ein Teil "
                "davon erlassen. In Vollzeit: Unterhaltsbeitrag als voller Zuschuss, "
                "seit 1. August 2024 bis zu 1.019 € im Monat für Alleinstehende.",
            },
        ],
        "body": [
            heading("Worauf es ankommt"),
            para(
                "<p>Gefördert werden Lehrgänge mit mindestens 400 Unterrichtseinheiten, die "
                "auf einen höheren Berufsabschluss vorbereiten. Die Förderung hängt nicht "
                "von der Größe des Betriebs ab; beantragen muss sie die Person selbst.</p>"
            ),
            heading("Unterhaltsbeitrag bei Vollzeit"),
            para(
                "<p>Wer in Vollzeit lernt, erhält zusätzlich einen Unterhaltsbeitrag, der "
                "nicht zurückgezahlt werden muss. Er wurde zum 1. August 2024 mit dem "
                "29. BAföG-Änderungsgesetz erhöht und beträgt seitdem für Alleinstehende bis "
                "zu 1.019 € im Monat; mit Kindern oder Ehepartner kommen Zuschläge hinzu. "
                "Die genaue Höhe hängt von Einkommen und Vermögen ab.</p>"
            ),
        ],
    },
    {
        "key": "esf-fachkurse",
        "slug": "esf-plus-fachkurse-baden-wuerttemberg",
        "title": "ESF Plus Fachkurse Baden-Württemberg",
        "teaser": (
            "Das Land Baden-Württemberg fördert mit Mitteln des Europäischen Sozialfonds "
            "kurze berufliche Fachkurse; der Zuschuss verringert die Kursgebühr direkt."
        ),
        "benefit_summary": (
            "30 % der Kursgebühr, 70 % für Beschäftigte ab 55 oder ohne Berufsabschluss"
        ),
        "applicant": "der Bildungsanbieter; Betriebe zahlen die verringerte Kursgebühr",
        "duration_unit": "teaching_units",
        "min_duration": Decimal("8"),
        "min_duration_exclusive": False,
        "max_duration": Decimal("160"),
        "approval_required": "",
        "requires_vocational_qualification": False,
        "min_years_since_qualification": None,
        "min_age": None,
        "federal_states": ["BW"],
        "max_amount": Decimal("6000"),
        "conditions": (
            "Der Kurs ist innerhalb von sechs Monaten abgeschlossen.\n"
            "Der Bildungsanbieter bietet den Kurs als geförderten Fachkurs an."
        ),
        "legal_source": "ESF Plus Baden-Württemberg, Förderprogramm „Fachkurse“",
        "source_url": "https://www.esf-bw.de",
        "valid_from": date(2021, 1, 1),
        "rates": [
            {
                "min_employees": 0,
                "max_employees": None,
                "course_cost_percent": 30,
                "raised_course_cost_percent": 70,
                "raised_from_age": 55,
                "raised_without_qualification": True,
            },
        ],
        "body": [
            heading("Kurz und praxisnah"),
            para(
                "<p>Gefördert werden Kurse von 8 bis 160 Unterrichtseinheiten mit einer "
                "Gebühr bis 6.000 €. Viele Workshops des Verbunds sind als Fachkurs "
                "anerkannt – fragen Sie uns.</p>"
            ),
        ],
    },
]

# Dates that have taken place, and one that runs today, so that attendance, certificates,
# feedback and the trainer's list can be tried right after loading the demo. Days are counted
# back from the seed run; "attended" of the confirmed people took part (the rest did not
# come), and the feedback answers belong to the first of them.
PAST_DATES = [
    {
        "series": "robotik",
        "days_ago": 28,
        "district": "esslingen",
        "capacity": 10,
        "parts": [("08:30", "16:00")],
        "confirmed": 8,
        "attended": 7,
        "include": ["m.weber@kessler-feinmechanik.example"],
        "feedback": [
            (
                5,
                "Sehr praxisnah: Wir haben am Cobot selbst programmiert.",
                "Gern etwas mehr Zeit für die eigene Anwendung.",
            ),
            (4, "Gute Beispiele aus kleinen Betrieben.", ""),
            (
                5,
                "Die Sicherheitsregeln waren endlich verständlich erklärt.",
                "Unterlagen vorab per E-Mail wären hilfreich.",
            ),
            (3, "", "Der Raum war zu warm."),
        ],
    },
    {
        "series": "3d-druck",
        "days_ago": 56,
        "district": "goeppingen",
        "capacity": 8,
        "parts": [("09:00", "16:00")],
        "confirmed": 6,
        "attended": 6,
        "feedback": [
            (5, "Ersatzteile selbst drucken – das setzen wir direkt um.", ""),
            (4, "Viele Materialien zum Anfassen.", "Mehr zu Kosten pro Teil."),
        ],
    },
]
TODAY_DATE = {
    "series": "robotik",
    "district": "esslingen",
    "capacity": 10,
    "confirmed": 6,
    "hours": 7,
}

# Workshop series and the programmes that may pay for them.
SERIES_FUNDING = {
    "robotik": ["esf-fachkurse"],
    "3d-druck": ["esf-fachkurse"],
    "lerneinheiten": ["esf-fachkurse"],
}

# --- News ---------------------------------------------------------------------------------------

NEWS_INDEX = {
    "title": "Aktuelles",
    "slug": "aktuelles",
    "show_in_menus": False,
    "search_description": "Neuigkeiten aus dem Weiterbildungsverbund Region Stuttgart.",
    "intro": "<p>Neuigkeiten aus dem Verbund, neue Workshopreihen und Förderprogramme.</p>",
}

NEWS = [
    {
        "slug": "foerder-check-online",
        "title": "Neu: Der Förder-Check zeigt, welche Förderung passt",
        "days_ago": 3,
        "teaser": (
            "Sechs Fragen, eine erste Einschätzung: Unser Förder-Check zeigt Betrieben, "
            "welche Programme ihre Weiterbildung bezahlen könnten – von § 82 SGB III bis zu "
            "den ESF-Plus-Fachkursen."
        ),
        "body": [
            para(
                "<p>Wie groß ist der Betrieb, wie alt die Beschäftigte, wie lang der Kurs? "
                "Aus wenigen Angaben ermittelt der Förder-Check, welche Programme "
                "wahrscheinlich passen, was sie zahlen und was noch zu klären ist. Die "
                "Einschätzung ist unverbindlich; für den Antrag beraten Sie unsere "
                "Lotsinnen und Lotsen.</p>"
            ),
        ],
    },
    {
        "slug": "neue-reihe-ki-im-betrieb",
        "title": "Neue Workshopreihe „KI im Betrieb“",
        "days_ago": 12,
        "teaser": (
            "Was können KI-Werkzeuge in der Arbeitsvorbereitung, im Vertrieb und in der "
            "Qualitätssicherung leisten? Unsere neue Workshopreihe gibt Antworten."
        ),
        "body": [
            para(
                "<p>In kompakten Terminen – vor Ort oder online – zeigen wir, wie "
                "Beschäftigte KI-Werkzeuge sinnvoll einsetzen, wo die Grenzen liegen und was "
                "der Datenschutz verlangt.</p>"
            ),
        ],
    },
    {
        "slug": "lotsennetzwerk-goeppingen",
        "title": "Lotsennetzwerk wächst: Beratung jetzt auch in Göppingen",
        "days_ago": 30,
        "teaser": (
            "Im Gewerkschaftshaus Göppingen beraten Lotsinnen und Lotsen ab sofort zu "
            "Weiterbildung und Förderung – persönlich und ohne Termin."
        ),
        "body": [
            para(
                "<p>Wer lieber persönlich als online fragt, findet im Filstal eine neue "
                "Anlaufstelle. Die Beratung ist kostenlos und neutral.</p>"
            ),
        ],
    },
]
