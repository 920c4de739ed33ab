"""The Dutch words of the example data: what people ask, offer and note down.

Every name of an organisation, place or person here is made up; real ones
(from the background texts or elsewhere) are kept out on purpose.
"""

from __future__ import annotations

from collections.abc import Mapping

from schemas.node.codes import PartnerKind, ReferralTarget

REQUESTS: Mapping[str, tuple[str, ...]] = {
    "information": (
        "Waar kan ik terecht met vragen over mijn huurcontract?",
        "Informatie over vervoer voor ouderen in de wijk",
        "Wie weet welke activiteiten er voor senioren zijn?",
        "Vraag over de afvalinzameling en grofvuil",
    ),
    "practical": (
        "Lamp ophangen in de woonkamer",
        "Kastje in elkaar zetten",
        "Lekkende kraan, wie kan even kijken?",
        "Gordijnrails ophangen na verhuizing",
        "Fiets band plakken",
    ),
    "shopping": (
        "Boodschappen doen, ik kom slecht de deur uit",
        "Hulp bij boodschappen na heupoperatie",
        "Samen naar de markt op zaterdag",
        "Medicijnen ophalen bij de apotheek",
    ),
    "transport": (
        "Begeleiding naar het ziekenhuis voor controle",
        "Vervoer naar de fysiotherapeut",
        "Iemand die meegaat naar de tandarts",
        "Rit naar het gemeentekantoor voor een nieuw paspoort",
    ),
    "digital": (
        "Hulp met DigiD aanvragen",
        "Videobellen met de kleinkinderen instellen",
        "Nieuwe telefoon instellen",
        "Uitleg over internetbankieren",
    ),
    "paperwork": (
        "Hulp bij de belastingaangifte",
        "Toeslagen aanvragen",
        "Brieven van de gemeente uitzoeken",
        "Overzicht krijgen in rekeningen en schulden",
        "Formulier voor bijzondere bijstand invullen",
    ),
    "social": (
        "Iemand voor een kopje koffie en een praatje",
        "Wandelmaatje gezocht",
        "Samen een spelletje doen op woensdagmiddag",
        "Ik voel me wat eenzaam sinds mijn partner overleed",
    ),
    "light_care": (
        "Even langskomen of alles goed gaat",
        "Oppas voor mijn zoon op dinsdagmiddag",
        "Hulp na ontslag uit het ziekenhuis",
        "Iemand die de hond uitlaat terwijl ik herstel",
    ),
    "garden": (
        "Heg snoeien en gras maaien",
        "Tuin bijhouden, het lukt me niet meer",
        "Onkruid wieden en tegels vegen",
        "Tuin winterklaar maken",
    ),
    "home_energy": (
        "Tochtstrips plakken en radiatorfolie aanbrengen",
        "Uitleg over mijn energierekening",
        "Energiecoach voor advies over isolatie",
        "Hulp bij het aanvragen van energietoeslag",
    ),
    "other": (
        "Hulp bij het verhuizen van een paar dozen",
        "Iemand die mijn post bijhoudt tijdens vakantie",
        "Vraag over een buurtfeest organiseren",
    ),
}

OFFERS: Mapping[str, tuple[str, ...]] = {
    "information": ("Ik weet de weg in de wijk en help graag zoeken",),
    "practical": ("Handig met gereedschap, help graag met klusjes", "Kleine reparaties in huis"),
    "shopping": ("Ik doe graag boodschappen voor een buur", "Op zaterdag samen naar de markt"),
    "transport": ("Ik heb een auto en rijd graag mee naar afspraken", "Begeleiding naar het ziekenhuis"),
    "digital": ("Geduldig met computers en telefoons", "Help met DigiD en internetbankieren"),
    "paperwork": ("Oud-boekhouder, help met formulieren en aangifte",),
    "social": ("Kopje koffie, een praatje of een wandeling", "Spelletjes en gezelschap"),
    "light_care": ("Even langsgaan bij buren die dat fijn vinden", "Oppassen op kinderen of huisdieren"),
    "garden": ("Ik tuinier graag, ook bij een ander", "Heggen snoeien en gras maaien"),
    "home_energy": ("Energiecoach: tips voor een lagere rekening",),
    "other": ("Help waar nodig",),
}

CANCEL_NOTES: tuple[str, ...] = (
    "Zelf opgelost",
    "Familie helpt al",
    "Niet meer nodig",
    "Verhuisd",
    "Geen reactie meer van de aanvrager",
)

REFERRAL_NOTES: Mapping[ReferralTarget, str] = {
    ReferralTarget.SOCIAL_TEAM: "Meer hulp nodig dan de buurt kan geven; in overleg naar het buurtteam",
    ReferralTarget.GP: "Zorgen over de gezondheid; met toestemming de huisarts ingelicht",
    ReferralTarget.MUNICIPALITY: "Vraag hoort bij de gemeente; doorverwezen naar het loket",
    ReferralTarget.DEBT_COUNSELLING: "Schulden lopen op; doorverwezen naar de schuldhulpverlening",
    ReferralTarget.OTHER: "Doorverwezen naar een andere organisatie",
}

# Where a request that the neighbourhood cannot answer goes, by category.
REFERRALS: Mapping[str, ReferralTarget] = {
    "paperwork": ReferralTarget.DEBT_COUNSELLING,
    "light_care": ReferralTarget.GP,
    "information": ReferralTarget.MUNICIPALITY,
    "home_energy": ReferralTarget.MUNICIPALITY,
    "social": ReferralTarget.SOCIAL_TEAM,
}

MATCH_NOTES: tuple[str, ...] = (
    "Woont om de hoek",
    "Kennen elkaar van de koffieochtend",
    "Heeft dit eerder gedaan",
    "Liefst op dinsdag",
)

TIME_LOG_NOTES: tuple[str, ...] = (
    "Samen naar de markt geweest",
    "Ging goed, volgende keer weer",
    "Iets langer gebleven voor een praatje",
)

LATE_NOTE = "Later ingevoerd"

MEMBER_NOTES: tuple[str, ...] = (
    "Slechthorend, liefst bellen en rustig praten",
    "Bellen na 10 uur",
    "Spreekt ook Engels",
    "Bel aan bij de achterdeur",
)

# Organisations that are members of the cooperative themselves.
ORGANISATION_MEMBERS: tuple[str, ...] = (
    "Huurdersvereniging De Kastanjehof (voorbeeld)",
    "Sportvereniging Vooruit Noord (voorbeeld)",
    "Basisschool Het Klaverblad (voorbeeld)",
)

PARTNERS: tuple[tuple[str, PartnerKind], ...] = (
    ("Woonstichting De Linde (voorbeeld)", PartnerKind.HOUSING_CORPORATION),
    ("Gemeentelijk wijkbureau (voorbeeld)", PartnerKind.MUNICIPALITY),
    ("Thuiszorg Het Anker (voorbeeld)", PartnerKind.CARE_PROVIDER),
    ("Installatiebedrijf Groenlicht (voorbeeld)", PartnerKind.COMPANY),
    ("Energiecoöperatie Zonnewijk (voorbeeld)", PartnerKind.OTHER),
)

# Places activities are held; plain descriptions, no real venues.
LOCATIONS: tuple[str, ...] = ("Buurthuis", "Wijkcentrum", "Speeltuingebouw", "Kerkzaal", "Bibliotheekfiliaal")
