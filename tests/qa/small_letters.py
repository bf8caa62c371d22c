# ruff: noqa: E501  (the letters are text; their lines are as long as a letter writes them)
"""Small letters of other years and kinds, written for the tests: a letter with an annotated agenda, a committee
report, answers to Kamervragen and a news item."""

LETTERS = {
    "agenda-2016.txt": """Aan de Voorzitter van de Tweede Kamer der Staten-Generaal

Den Haag, 1 juli 2016

Hierbij informeren wij u over de agenda van de NAVO-top, die op 8 en 9 juli a.s. in Warschau plaatsvindt.

Cyberverdediging

De bondgenoten zullen een cybertoezegging aannemen. Nederland draagt 4 miljoen euro bij aan het cyberfonds van de alliantie.

De Minister van Buitenlandse Zaken,
A.B. Jansen
""",
    "commissiedebat-2023.txt": """Nr. 500 VERSLAG VAN EEN COMMISSIEDEBAT

Vastgesteld 10 maart 2023

De vaste commissie voor Defensie heeft op 15 februari 2023 overleg gevoerd met de heer Pietersen, Minister van Defensie, over de oostflank.

• de brief van de Minister van Defensie d.d. 2 februari 2023 inzake het verslag van de bijeenkomst in Brussel (Kamerstuk 28 676, nr. 499).

Aanwezig zijn vijf leden der Kamer, te weten: Bakker, De Groot, Visser, Smit en Meijer.

De minister zegt dat Nederland driehonderd militairen naar Litouwen stuurt voor de bataljonsgroep aan de oostflank.
""",
    "kamervragen-2019.txt": """Antwoord op vragen van het lid Bakker over de cyberoefening

Vraag 1

Klopt het dat de cyberoefening in Tallinn is uitgesteld?

Antwoord vraag 1

Ja. De cyberoefening is verplaatst naar november 2019 vanwege onderhoud aan de systemen.
""",
    "nieuws-litouwen.txt": """Minister bezoekt troepen in Litouwen

De minister van Defensie bezocht gisteren de Nederlandse militairen in Litouwen. Dat heeft het ministerie laten weten. Hij sprak met de commandant over de winteroefening in de sneeuw.
""",
}
