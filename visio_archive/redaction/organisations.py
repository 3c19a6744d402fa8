"""Companies, bodies and towns that the name rules and the NER read as persons, told apart by their context.

"le bailleur c'est domofrance", "en intérim chez adecco", "the coach company is richards bros", "une boîte
portugaise construções atlântico", "le téléservice insi": what a landlord, employer, insurer, firm, site or
application "is" is an organisation. "à saint-pierre", "au greta de saint-paul", "at Royal Prince Alfred": a
saint's name after a place preposition is a town, a "Royal" something an institution. A name with a civility
before it ("le bailleur c'est monsieur Roux") is left to the name rules.
"""

from __future__ import annotations

import re

from visio_archive.redaction.civility import CIVILITY_ALT

_ORG_NOUNS = (
    r"bailleur|employeur|mutuelle|banque|assureur|assurance|societe|entreprise|boite|agence|prestataire|operateur"
    r"|fournisseur|donneur d['’]ordre|sous-traitant|cabinet|enseigne|marque|application|appli|logiciel|fichier"
    r"|teleservice|plateforme|site|editeur|transporteur|employer|company|firm|bank|insurer|provider|contractor"
    r"|subcontractor|supplier|agency|software|platform|website|landlord|operator|brand|retailer|chain|carrier"
    r"|housing association|coach company|caterer|traiteur|association|asso|syndicat|collectif|fondation|ong"
)
# "<noun> [one or two words] c'est|is <name>", "<noun> [an adjective] <name>", "chez|at <name>" after work words
_AFFILIATED_ROLES = (
    r"(?:worker|caseworker|officer|adviser|advisor|manager|coordinator|co-ordinator|volunteer|lawyer|solicitor"
    r"|paralegal|navigator|liaison|specialist|consultant|counsellor|counselor|nurse|clerk|intern|representative"
    r"|rep|agent|organiser|organizer|director|trainee|analyst|assistant|advocate)"
)
_ORG_BEFORE = re.compile(
    rf"(?<![\w'’-])(?:{_ORG_NOUNS})(?:[ \t]+(?!de\b|du\b|des\b|d['’]|of\b)[\w'’-]+){{0,2}}[ \t]+"
    rf"(?:c['’]est|c est|est|is|was|called|named|nomme|nommee|appelee?|:)[ \t]+(?:(?:la|le|les|l['’]|the)[ \t]*)?$"
    rf"|(?<![\w'’-])(?:{_ORG_NOUNS})(?:[ \t]+(?!de\b|du\b|des\b|d['’]|of\b|for\b|pour\b)[a-z'’-]+)?[ \t]+$"
    rf"|(?<![\w'’-])(?:interim|travaille|travaillait|embauchee?|recrutee?|salariee?|cdd|cdi|stage|works|worked|employed"
    rf"|job|contract)[ \t]+(?:[\w'’-]+[ \t]+)?(?:chez|at|for|with)[ \t]+$"
    rf"|(?<![\w'’-])(?:site|appli|application|plateforme)[ \t]+(?:de|d['’]|of)[ \t]+[a-z'’ -]{{2,30}}?[ \t]+$"
    # an appositive role and the body it is held at: "Tadhg Murphy, advice worker with Threshold", "Mei Zhang,
    # settlement worker with Manitoba Start", "…, caseworker at Shelter"
    rf"|,[ \t]+(?:(?:the|a|an|our|senior|assistant|chief|lead|[a-z'’-]+)[ \t]+){{0,2}}{_AFFILIATED_ROLES}"
    rf"[ \t]+(?:with|at|from)[ \t]+(?:the[ \t]+)?$"
)
_CIVILITY_OPENING = re.compile(rf"(?:{CIVILITY_ALT})(?![\w'’-])")
_CIVILITY_JUST_BEFORE = re.compile(rf"(?<![\w'’])(?:{CIVILITY_ALT})\.?[ \t]+$")
# "landlord contact Brett Kowalski", "bank manager Ruth Obi", "l'agence, interlocutrice Mme …": the word after the
# organisation's noun is a person's role, and a person's name follows
_PERSON_ROLE_JUST_BEFORE = re.compile(
    r"(?<![\w'’-])(?:contact|manager|officer|agent|adviser|advisor|worker|rep|representative|caseworker"
    r"|referent|referente|gestionnaire|conseiller|conseillere|interlocuteur|interlocutrice|correspondant"
    r"|correspondante|responsable|directeur|directrice|gerant|gerante)[ \t]*[:,]?[ \t]+$")
_LOCATIVE = re.compile(r"(?<![\w'’-])(?:a|au|aux|en|vers|sur|pres de|de|du|in|at|to|from|near)[ \t]+$")
# A public body or service and the town it serves ("le cmp de montreuil", "la mdph de mayotte", "le tribunal
# judiciaire de bonneville", "la mairie de saint-brieuc"): the town is no surname there.
_INSTITUTIONS = (
    r"tribunal(?: judiciaire| administratif| de commerce)?|cour d['’]appel|mairie|prefecture|sous-prefecture"
    r"|conseil (?:departemental|regional|municipal)|agence|academie|rectorat|universite|barreau|gendarmerie"
    r"|commissariat|brigade|hopital|centre hospitalier|chu|ch|ehpad|cmp|cmpp|mdph|caf|cpam|cgss|carsat|greta|scec"
    r"|cci|cma|spip|ase|pmi|ccas|urssaf|dgfip|sie|sip|ddets|dreets|ars|crous|college|lycee|ecole|service|direction"
    r"|antenne|permanence|maison|centre|bureau|office|guichet|france travail|pole emploi|mission locale"
)
# The named bodies only (not "le bureau de", "le service de": "le bureau de Martin" is Martin's office)
_NAMED_BODIES = (
    r"tribunal(?: judiciaire| administratif| de commerce)?|cour d['’]appel|mairie|prefecture|sous-prefecture"
    r"|conseil (?:departemental|regional|municipal)|academie|rectorat|universite|barreau|gendarmerie|commissariat"
    r"|brigade|hopital|centre hospitalier|chu|chr|ehpad|cmp|cmpp|mdph|caf|cpam|cgss|carsat|greta|cci|cma|spip|ccas"
    r"|urssaf|dgfip|ddets|dreets|ars|crous|afpa|france travail|pole emploi|mission locale|agence|college|lycee"
    r"|commune|tpe|tribunal pour enfants|draaf|dreal|ddpp|ddt|ddtm|dir|sdis|cnaf|msa|sncf|ratp"
    # the prosecutor's office and the courts and social offices of other French-speaking countries
    r"|parquet|tpi|tribunal de premiere instance|office social|cpas|cgss|cssm|hospice general|office cantonal"
)
_BODY_DE_BEFORE = re.compile(rf"(?<![\w-])(?:{_NAMED_BODIES})[ \t]+(?:de|du|des|d['’])[ \t]*$")
_INSTITUTION_THEN_TOWN = re.compile(rf"(?:{_INSTITUTIONS})[ \t]+(?:de|du|d['’])[ \t]*[a-z]")
_INSTITUTION_BEFORE = re.compile(rf"(?<![\w'’-])(?:{_INSTITUTIONS})[ \t]+$")
_SAINT_PLACE = re.compile(r"(?:saint|sainte|st|ste|san|santa|sao)[- ][a-z]")


def organisation_context(folded: str, start: int) -> bool:
    """The words before ``start`` say that what follows is an organisation."""
    window = folded[max(0, start - 60):start]
    if _CIVILITY_OPENING.match(folded, start) or re.match(r"[a-z]\.[ \t]?[a-z]{2}", folded[start:start + 6]):
        return False  # "…, caseworker with Mrs Adeyemi", "the landlord S. Dlamini": a person
    return (_ORG_BEFORE.search(window) is not None and _CIVILITY_JUST_BEFORE.search(window) is None
            and _PERSON_ROLE_JUST_BEFORE.search(window) is None)


def place_or_institution(folded: str, start: int, end: int) -> bool:
    """"à saint-pierre", "au greta de saint-paul"'s tail, "at Royal Prince Alfred", "royal bank of scotland"."""
    span = folded[start:end]
    before = folded[max(0, start - 24):start]
    if span.startswith("royal ") or re.search(r"royal(?:[ \t]+[a-z]+)?[ \t]+$", before):
        return True
    if re.search(r"(?<![\w'’])(?:co\.|county)[ \t]*$", before):
        return True  # "Co. Kildare", "county tyrone": an Irish or British county
    if _INSTITUTION_THEN_TOWN.match(span) or (re.match(r"(?:de|du|d['’])[ \t]*[a-z]", span)
                                              and _INSTITUTION_BEFORE.search(folded, max(0, start - 40), start)):
        return True
    if re.search(r"(?<![\w'’])(?:san|santa|sao|saint|sainte|st\.?|ste\.?)[ \t]+$", before):
        return True  # "from San Fernando", "São Paulo", "from st catherine": a saint's name with its saint is a
        # place (a town, a parish, a hospital, a school)
    if re.match(r"[ \t]*&[ \t]*(?:co|sons|partners|associates)\b", folded[end:end + 16]):
        return True  # "Sandhu & Co": a firm
    if _BODY_DE_BEFORE.search(folded, max(0, start - 40), start):
        return True  # "la cour d'appel de Bastia", "l'Afpa de Brest", "le CHU de Pointe-à-Pitre": the town served
    return _SAINT_PLACE.match(span) is not None and _LOCATIVE.search(before) is not None
