# ruff: noqa: SIM905  (word lists are written as whitespace-separated strings)
"""The parts of a postal address that do not depend on how its street is named.

The street grammars of :mod:`patterns` find where an address starts ("12 rue des Lilas", "42 Willow Lane",
"Hauptstraße 27").  What follows a street is the same in every country's order, and is what those grammars
kept missing on new text: a flat, floor or door ("B", "lgh 1102", "3.º Esq.", "deuxième étage gauche",
"Apt 12"), a postal code of a national shape (five digits, four digits, "4050-265", "114 51", "K2P 0C2",
"IN 46220", "NSW 2150", a British postcode, an Eircode), the town after or before it ("Kronberg im Taunus",
"Swansea SA2 8EJ"), the country. :func:`extend_address` takes those after an address span.

A postal code that only a national plan issues (British postcodes, Eircodes, Canadian codes, a US state and
ZIP, an Australian state and postcode, a continental code before a capitalised town) also marks an address
whose street no grammar knows ("7 Maes y Garn, Bow Street, SY24 5BD", "Derb Sidi Bouloukat 17, Médina,
40000 Marrakech"): :func:`find_postcode_addresses` walks back from the code to the house number.
"""

from __future__ import annotations

import re

from visio_archive.models import Entity
from visio_archive.redaction.lexicon import MONTHS
from visio_archive.redaction.numbers_fr import EN_NUMBER_WORDS, NUMBER_WORDS, fold, numeric_runs

__all__ = ["extend_address", "find_cued_postcodes", "find_digital_addresses", "find_po_boxes",
           "find_postcode_addresses", "join_addresses", "spoken_code_end"]

_NUM_WORDS = sorted((NUMBER_WORDS | EN_NUMBER_WORDS) - {"a", "and", "et", "oh", "double", "triple", "un", "une"},
                    key=len, reverse=True)
_NUMW = "|".join(_NUM_WORDS)
_SPOKEN = rf"(?:{_NUMW})(?:[ -](?:{_NUMW}|et|and|oh))*"
_ID = rf"(?:[a-z]?\d{{1,4}}[a-z]?\d?|[a-z](?![\w'’-])|{_SPOKEN}(?:[ \t][a-z](?![\w'’-]))?)"
_SEP = r"[ \t]*[,;]?[ \t]*"
_SPOKEN_OH = rf"(?:{_NUMW}|oh)(?:[ -](?:{_NUMW}|oh))*"  # digits read out with "oh" ("two oh four one")
_HID = rf"(?:\d{{1,4}}|{_SPOKEN_OH})"

# Flat, floor, door, staircase: French, English, Nordic, Iberian, Italian, German, Dutch and Belgian words.
_UNIT_WORD = (r"appartement|appart|appt|app\.?|apt\.?|apartment|flat|unit|suite|ste\.?|batiment|bat\.?|bloc|block"
              r"|escalier|esc\.?|entree|porte|boite|bte|bus|box|lgh|lagenhet|leil\.?|whg\.?|wohnung|piso|puerta|planta"
              r"|interno|int\.?|scala|piano|etage|floor|room|chambre|logement|lot|po box|p\.o\. box|bp|cs|case postale"
              r"|postfach|apartado|blk|plot|section|station|stn\.?|p o box|p\. o\. box|post office box")
_SIDE = r"esquerdo|esquerda|direito|direita|izquierda|derecha|esq|dto|dta|izq|izda|dcha|dcho"
_ORDINAL = (rf"(?:\d{{1,2}}(?:e|er|ere|eme|ieme|st|nd|rd|th)|[a-z]+iemes?|premier|premiere|first|second|third"
            rf"|fourth|fifth|ground|top|rez-de-chaussee|{_NUMW})")
_UNIT = re.compile(
    rf"(?:(?:{_UNIT_WORD})[ \t]*(?:n[°o]\.?[ \t]*|no\.?[ \t]*|number[ \t]+)?{_ID}(?![\w'’])"  # "lgh 1102", "apt 3r"
    rf"|{_ORDINAL}[ \t]+(?:etage|floor)(?:[ \t]+(?:a[ \t]+)?(?:gauche|droite|left|right|face|fond))?"
    rf"|(?:porte[ \t]+)?(?:de[ \t]+)?(?:gauche|droite)(?=[ \t]*[,;]|[ \t]+\d)"  # "porte gauche, 93100"
    rf"|\d{{1,2}}[ \t]?\.?[ \t]?[ºª°o]\.?(?:[ \t]*(?:{_SIDE}|dr|drt|fte|frente|[a-d])\.?)?"
    rf"(?![\w'’])"  # Iberian floors: "3.º Esq.", "4º B", "2.ª dta"
    rf"|\d{{1,2}}\.?[ \t]?(?:th|tv|mf|og|stock|sal)\.?(?![\w'’])"  # Danish "3. th", German "2. OG"
    rf"|(?:{_SIDE})\.?(?![\w'’])"
    # Singapore units: "#07-143", "hash oh seven dash one four three"
    rf"|(?:{_HID}[ \t]+)?(?:hash|\#)[ \t]?{_HID}[ \t]?(?:dash|-)[ \t]?{_HID}(?![\w'’])"
    rf"|(?:bis|ter|quater)(?![\w'’])|[a-h](?=[ \t]*[,;]))"  # "12 B, lgh 1102"
)

# Postal codes (accent-folded, lower-case text).  "strong" ones no one says for anything else.
_UK = r"[a-z]{1,2}\d[a-z\d]?[ \t]?\d[abd-hjlnp-uw-z]{2}"
_EIRCODE = r"[ac-fhknprtv-y]\d[\dw][ \t]?(?=[a-z0-9]{0,3}\d)[0-9ac-fhknprtv-y]{4}"
_CANADA = r"[abceghj-nprstvxy]\d[abceghj-nprstv-z][ \t]?\d[abceghj-nprstv-z]\d"
_US_STATES = ("al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc "
              "nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy").split()
_AU_STATES = "nsw vic qld tas wa sa act nt".split()
_CA_PROVINCES = "on qc bc ab mb sk ns nb nl pe yt nt nu ontario quebec".split()
_D = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen" \
     r"|seventeen|eighteen|nineteen|twenty(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|thirty|forty|fifty" \
     r"|sixty|seventy|eighty|ninety)"
# "s y twenty-three one q x", "c f one four six n n": a British postcode read out letter by letter
_SPOKEN_UK = rf"(?:[a-z][ \t]){{1,2}}(?:{_D}[ \t]){{1,2}}(?:[a-z][ \t])?{_D}[ \t][a-z][ \t][a-z]"
_D1 = r"(?:zero|oh|one|two|three|four|five|six|seven|eight|nine)"
# "s p b three four one eight" (Malta), "singapore four six oh two one eight": letters and digits read out
_SPOKEN_CODE = rf"(?:[a-z][ \t]){{2,3}}(?:{_D1}[ \t]){{3}}{_D1}|singapore[ \t]+(?:(?:{_D1}[ \t]){{5}}{_D1}|\d{{6}})"
# Dublin's postal districts, written or said: "Dublin 18", "dublin six w", "dublin twenty four"
_DUBLIN = (r"dublin[ \t]+(?:\d{1,2}w?|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen"
           r"|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:[ -](?:one|two|three|four))?)"
           r"(?:[ \t]w)?)")
_STRONG = (rf"(?<![\w'’-])(?:{_UK}|{_EIRCODE}|{_CANADA}|{_SPOKEN_UK}|{_SPOKEN_CODE}|{_DUBLIN}"
           rf"|(?:{'|'.join(_US_STATES)})[ \t]+\d{{5}}(?:-\d{{4}})?|(?:{'|'.join(_AU_STATES)})[ \t]+\d{{4}}"
           rf"|(?:{'|'.join(_CA_PROVINCES)})[ \t]+{_CANADA})(?![\w'’])")
_STRONG_RE = re.compile(_STRONG)
# Continental shapes: "75011", "1003", "4050-265", "00-950", "114 51", "1012 AB", "L-1234", "CH-1003"
_CONTINENTAL = (r"(?<![\w'’./-])(?<!\d[ \t])(?:[a-z]{1,2}-)?"
                r"(?:\d{5}|\d{4}-\d{3}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}(?:[ \t]?[a-z]{2}(?![\w'’]))?)(?![\w'’-])")
_CONTINENTAL_RE = re.compile(_CONTINENTAL)

# The regions an English-speaking address names between its town and its code: US states, Australian states
# and territories, Canadian provinces and territories, Irish and British counties ("county kerry", "co. cork").
_REGION_NAMES = (
    "alabama,alaska,arizona,arkansas,california,colorado,connecticut,delaware,florida,georgia,hawaii,idaho,illinois,"
    "indiana,iowa,kansas,kentucky,louisiana,maine,maryland,massachusetts,michigan,minnesota,mississippi,missouri,"
    "montana,nebraska,nevada,new hampshire,new jersey,new mexico,new york,north carolina,north dakota,ohio,oklahoma,"
    "oregon,pennsylvania,rhode island,south carolina,south dakota,tennessee,texas,utah,vermont,virginia,washington,"
    "west virginia,wisconsin,wyoming,"
    "new south wales,victoria,queensland,tasmania,south australia,western australia,northern territory,"
    "australian capital territory,"
    "ontario,quebec,british columbia,alberta,manitoba,saskatchewan,nova scotia,new brunswick,"
    "newfoundland and labrador,newfoundland,prince edward island,yukon,nunavut,northwest territories"
).split(",")
_REGION_ALT = "|".join(sorted(_REGION_NAMES, key=len, reverse=True))
_STATE_ABBREVIATION = re.compile(rf"[ \t]*,?[ \t]*(?:{'|'.join(_AU_STATES + _US_STATES)})(?![\w'’])")
_REGION = re.compile(rf"[ \t]*,?[ \t]*(?:{_REGION_ALT}|(?:county|co\.?)[ \t]+[^\W\d_][\w'’-]*)(?![\w'’])")
# a digit of a code read out in French too: "h trois n un y quatre" (Montréal's H3N 1Y4)
_D_FR = r"(?:zero|un|deux|trois|quatre|cinq|six|sept|huit|neuf)"
_CODE_TOKEN = re.compile(rf"[ \t]*(?:(?P<letter>[a-z])(?![\w'’])|(?P<digit>{_D}|{_D_FR}|\d{{1,3}})(?![\w'’-]))")


def spoken_code_end(folded: str, pos: int) -> int | None:
    """End of a postal code read out letter by letter after ``pos``: "v nine two k x two eight" (an Eircode),
    "m one h oh c three" (Canada), "d eighteen w two p five": four to nine letters and digit words, at least
    two of each, no two letters in a row at its start ("a b" is no code)."""
    p = re.compile(r"[ \t]*,?").match(folded, pos)
    q = p.end() if p else pos
    letters = digits = 0
    end = None
    kinds: list[str] = []
    for _ in range(9):
        m = _CODE_TOKEN.match(folded, q)
        if m is None:
            break
        kinds.append("l" if m.group("letter") else "d")
        letters += m.group("letter") is not None
        digits += m.group("digit") is not None
        q = m.end()
        if len(kinds) >= 4 and letters >= 2 and digits >= 2:
            end = q
    if end is None or kinds[:2] == ["l", "l"] or (kinds[0] == "d" and kinds[1:3] == ["d", "d"]):
        return None
    return end

_TOWN_STOP = frozenset("""
the a an and or of to in on at for with from by is was are were be this that it its his her their our my your we you
they he she i so but which who where when near um uh er euh ben bah hein alors donc mais et ou il elle on nous vous
ils elles je c'est cest est qui que pour avec chez dans depuis pendant puis aussi since until then there here now
today tomorrow yesterday demain hier aujourd'hui maintenant ici la-bas voila merci yeah yes no oui non ok okay
not pas ne plus very tres just juste hmm hm mm erm like thanks thank please cheers merci
sorry pardon actually right alright well anyway
it's that's there's he's she's mine's i'm we're they're you're it’s that’s there’s he’s she’s mine’s i’m we’re they’re
you’re
euros euro eur dollars dollar pounds livres francs personnes habitants
km kilometres metres heures minutes jours mois ans fois pour cent percent people years months days hours
""".split())
_TOWN_JOIN = frozenset("""sur sous en les le la de du des d l im am an der den bei ob upon on by y del di da
dos das van von aan op saint sainte st ste san santa sankt st. ste. co co. county""".split())
_TOWN_OPENING = frozenset("saint sainte st st. ste ste. san santa sankt le la les el los las co co. county".split())
_LOWER_JOIN = frozenset("sur sous en im am upon saint sainte st san santa sankt co co. county".split())
_TOWN_WORD = r"[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?"
_TOWN_WORD_RE = re.compile(_TOWN_WORD)

_COUNTRIES = re.compile(
    r"[ \t]*[,–-]?[ \t]*\(?(?:france|belgique|belgium|suisse|switzerland|schweiz|luxembourg|allemagne|germany"
    r"|deutschland|espagne|spain|espana|portugal|italie|italy|italia|pays-bas|netherlands|nederland|royaume-uni"
    r"|united kingdom|uk"
    r"|angleterre|england|ecosse|scotland|pays de galles|wales|irlande|ireland|pologne|poland|polska|roumanie|romania"
    r"|suede|sweden|sverige|norvege|norway|danemark|denmark|finlande|finland|autriche|austria|grece|greece|turquie"
    r"|turkey|maroc|morocco|algerie|algeria|tunisie|tunisia|senegal|mali|cote d'ivoire|cameroun|cameroon|etats-unis"
    r"|usa|united states|canada|australia|australie|new zealand|nouvelle-zelande|bresil|brazil|chine|china|japon"
    r"|japan|inde|india|ukraine|russie|russia)\)?(?![\w'’-])")


# words that go on a sentence after a street, never a town ("… church street last week and …")
_NOT_TOWN = frozenset("""last next every each week weeks weekend night nights morning mornings afternoon evening
monday tuesday wednesday thursday friday saturday sunday lundi mardi mercredi jeudi vendredi samedi dimanche
again instead too also still already anymore either as well only even ever never always usually often sometimes
maybe perhaps probably there's theres it's its that's thats is was has had have will would could should can did
does said says told asked know think mean see guess semaine soir matin nuit encore toujours deja aussi
lives live living lived stays stay staying moved works working worked habite habitent vit travaille
landline mobile phone number email pres derriere devant vers apres avant face cote entre pendant depuis jusqu
jusque comme sauf contre selon sans parmi""".split())


def _never_a_town(ft: str) -> bool:
    """A word that no town's name is: a function word, a word that goes on a sentence, a number word."""
    return ft in _TOWN_STOP or ft in _NOT_TOWN or ft in NUMBER_WORDS or ft in EN_NUMBER_WORDS


def _town(text: str, folded: str, pos: int, cased: bool, words: int = 3) -> int:
    """End of a town name starting at ``pos`` (after spaces or a comma), or ``pos`` when none: one word, more
    only through particles ("kronberg im taunus", "la roche sur yon", "co. kildare") or, in written text,
    capitalised words ("Fort Worth")."""
    m = re.compile(r"[ \t]*,?[ \t]*").match(folded, pos)
    p = m.end() if m else pos
    end = pos
    taken = 0
    joined = False
    while taken < words + 2:
        t = _TOWN_WORD_RE.match(text, p)
        if t is None:
            break
        ft = folded[t.start():t.end()].rstrip(".")
        month_town = cased and ft in MONTHS and bool(re.compile(r"[ \t]+[A-Z][a-z]").match(text, t.end()))
        if _never_a_town(ft) or (ft in MONTHS and not month_town) or (len(ft) < 3 and ft not in _TOWN_JOIN):
            break  # a month opens a town only before a capitalised word ("May Pen", not "May 12")
        if cased and not t.group()[0].isupper() and ft not in _TOWN_JOIN:
            break
        if ft in _TOWN_JOIN and not taken and ft not in _TOWN_OPENING:
            break  # "1728 du CGI": a town does not open with "du"
        if ft in _TOWN_JOIN and (cased or ft in _LOWER_JOIN):
            joined = True
        elif taken and not joined and not (cased and t.group()[0].isupper()):
            break  # lower-case text: a second word only through a particle ("paris demain" is not a town)
        else:
            joined = False
            end = t.end()
            if t.group().endswith(".") and len(ft) > 3:
                end -= 1  # "…, Accra." ends a sentence; "St." is an abbreviation
                break
        taken += 1
        q = re.compile(r"[ \t]+").match(text, t.end())
        if q is None:
            break
        p = q.end()
    return end


_TOWN_BEFORE = re.compile(r"(?:,[ \t]*|[ \t])[^\W\d_][\w'’-]*$")


def _loose_town_code(text: str, folded: str, pos: int, cased: bool) -> int:
    """Up to four suburb and town words (lower case allowed) and then a code: "mission bay auckland one oh seven
    one", "gandhi nagar adyar chennai six double oh oh two oh"."""
    p = pos
    for _ in range(4):
        t = re.compile(rf"[ \t]*,?[ \t]*({_TOWN_WORD})").match(text, p)
        if t is None:
            return pos
        ft = folded[t.start(1):t.end(1)].rstrip(".")
        if _never_a_town(ft) or ft in MONTHS or len(ft) < 3:
            return pos
        p = t.end(1)
        code = _postcode_at(text, folded, p, cased)
        if code is not None and code[1]:
            return code[0]
        tail = _CODE_AFTER_TOWN.match(folded, p)
        if tail is not None and not tail.group(1) and not _QUANTITY_AFTER.match(folded, tail.end()):
            return tail.end()
        extra = _code_after_town(text, folded, p, cased)
        if extra is not None:
            return extra  # "… vilakazi street orlando west eighteen oh four"
    return pos


def _postcode_at(text: str, folded: str, pos: int, cased: bool) -> tuple[int, bool] | None:
    """(end, strong) of a postal code right after ``pos``; a continental one needs a town after it."""
    m = re.compile(_SEP).match(folded, pos)
    p = m.end() if m else pos
    s = _STRONG_RE.match(folded, p)
    spoken = None if cased else spoken_code_end(folded, p)
    if not cased and spoken is None and folded.startswith("l ", p):
        spoken = spoken_postcode_end(text, folded, p + 1)  # Luxembourg's "l quatre mille onze" (L-4011)
    if spoken is not None and (s is None or spoken > s.end()):
        return spoken, True  # "v nine two k x two eight": an Eircode, longer than the British "v9 2kx" in it
    if s is not None and (not cased or text[p].isupper() or text[p].isdigit()):
        return s.end(), True
    c = _CONTINENTAL_RE.match(folded, p)
    if c is not None and _town(text, folded, c.end(), cased) > c.end():
        return c.end(), False
    return None


_DIRECTION = re.compile(r"[ \t]+(?:est|ouest|nord|sud|east|west|north|south|e|o|w|n|s)\.?(?![\w'’])")


def extend_address(text: str, folded: str, e: Entity, cased: bool | None = None) -> Entity:
    """``e`` (an ADDRESS) with the flat, postal code, town and country that follow it; ``cased``: whether the
    town is written with its capital (by default: whether ``e`` holds one)."""
    if cased is None:
        cased = any(ch.isupper() for ch in e.text)
    start, end = _extend_left(folded, e.start, text if cased else ""), e.end
    for m in _STRONG_RE.finditer(folded, max(0, end - 12), min(len(folded), end + 12)):
        if m.start() < end < m.end():
            end = m.end()  # the grammar stopped inside a postal code ("… quebec j9h" of "j9h 3l2")
    after_code = bool(re.search(rf"(?:\d{{4,5}}|{_STRONG}|{_SPOKEN}|{_CONTINENTAL})$", folded[e.start:e.end])
                      or _PO_BOX.fullmatch(folded, e.start, e.end))  # a box's town follows it as a code's does
    after_town = bool(re.search(r"\d{4,5}[ \t]+[^\W\d_][\w'’-]*$", folded[e.start:e.end]))
    for _ in range(8):
        u = re.compile(_SEP + _UNIT.pattern).match(folded, end)
        if u is None:
            # "… rue ontario est logement quatorze": a street's direction (Montreal, US grids), then the flat
            d = _DIRECTION.match(folded, end)
            u = re.compile(_SEP + _UNIT.pattern).match(folded, d.end()) if d is not None else None
        if u is not None and u.end() > end:
            end, after_code = u.end(), False
            continue
        province = _PROVINCE.match(folded, end)  # "…, Québec (Québec) G1R 1N8"
        code = _postcode_at(text, folded, province.end() if province else end, cased)
        if code is not None and (province is None or code[1]):
            end, after_code = code[0], True
            continue
        if after_code:
            town = _town(text, folded, end, cased)
            if town > end:
                end, after_code, after_town = town, False, True
                continue
        else:
            tail = _CODE_AFTER_TOWN.match(folded, end) if text[end - 1:end].isalpha() else None
            if tail is not None and not _QUANTITY_AFTER.match(folded, tail.end()) and (
                    not tail.group(1) or cased) and _TOWN_BEFORE.search(folded, e.start, end):
                end, after_code = tail.end(), True  # the grammar took the town: "…, Kingston" + " 6"
                continue
            extra = _code_after_town(text, folded, end, cased) if text[end - 1:end].isalpha() else None
            if extra is not None:
                end, after_code = extra, True  # "… west mambalam chennai" + " six double oh oh three three"
                continue
            loose = _loose_town_code(text, folded, end, cased)
            if loose > end:
                end, after_code = loose, True  # "… tamaki drive mission bay auckland one oh seven one"
                continue
            # a town before its code: "…, Swansea SA2 8EJ", "… penparcau s y twenty-three one q x",
            # "…, Ottawa, ON K2P 0C2"
            town = _town(text, folded, end, cased)
            region = _REGION.match(folded, town) if town > end else None
            if region is not None:
                town = region.end()  # "… dubbo new south wales", "… tralee county kerry", "… chicago illinois"
                after_town = True
                code = _postcode_at(text, folded, town, cased)
                tail = _CODE_AFTER_TOWN.match(folded, town) if code is None else None
                spoken = _code_after_town(text, folded, town, cased) if code is None and tail is None else None
                end = (code[0] if code is not None else tail.end() if tail is not None
                       else spoken if spoken is not None else town)
                after_code = code is not None or tail is not None or spoken is not None
                continue
            state = _STATE_ABBREVIATION.match(folded, town) if town > end else None
            spoken = _code_after_town(text, folded, state.end(), cased) if state is not None else None
            if spoken is not None:
                end, after_code, after_town = spoken, True, True  # "… merrylands nsw twenty one sixty"
                continue
            if town > end:
                province = _PROVINCE.match(folded, town)  # "Montréal (Québec) H2J 2L4"
                code = _postcode_at(text, folded, province.end() if province else town, cased)
                if code is not None and code[1]:
                    end, after_code = code[0], True
                    continue
                tail = _CODE_AFTER_TOWN.match(folded, town)
                if tail is not None and not _QUANTITY_AFTER.match(folded, tail.end()) and (
                        not tail.group(1) or (text[town - 1].isalpha() and cased)):
                    end, after_code = tail.end(), True  # "…, Durban 4031", "… bellville seven five three oh"
                    continue
                extra = _code_after_town(text, folded, town, cased)
                if extra is not None:
                    end, after_code = extra, True  # "…, Chennai 600026", "… Naxxar NXR 2010"
                    continue
            join = _JOIN_NEXT.match(folded, end)
            if join is not None and after_town:
                more = _town(text, folded, join.end(1), cased, words=2)
                if more > join.end(1):
                    end = more  # "… 61476 Kronberg" + " im Taunus"
                    continue
        cedex = _CEDEX.match(folded, end) or (_CEDEX_NUMBER.match(folded, end) if folded[:end].endswith("cedex")
                                               else None)
        if cedex is not None:
            end = cedex.end()  # "44105 Nantes CEDEX 4"
            continue
        country = _COUNTRIES.match(folded, end)
        if country is not None and country.end() > end and re.search(r"\d", folded[e.start:end]):
            end = country.end()
        elif cased and after_town:
            region = _REGION_AFTER_TOWN.match(text, end)
            if region is not None:
                end = region.end()  # "P.O. Box 1187, May Pen, Clarendon;", "…, Mushin, Lagos —"
        elif not cased and not after_town and not after_code and text[end - 1:end].isalpha():
            end = _towns_to_clause_end(text, folded, end)
        break
    if (start, end) == (e.start, e.end):
        return e
    return e.model_copy(update={"start": start, "end": end, "text": text[start:end]})


# a parish, county or state written after the town, the address's last piece before the sentence goes on
_REGION_AFTER_TOWN = re.compile(r",[ \t]*[A-Z][\w'’-]+(?:[ \t][A-Z][\w'’-]+)?(?=[ \t]*(?:[;.)\n–—]|$))")
_CEDEX = re.compile(r"[ \t]+cedex(?:[ \t]+\d{1,2})?(?![\w'’])")
_CEDEX_NUMBER = re.compile(r"[ \t]+\d{1,2}(?![\w'’])")
# a code after a town, where no national plan tells it apart: four or five digits, four digits read out, or a
# city district in written text ("Kingston 6", "Dublin 2")
_CODE_AFTER_TOWN = re.compile(rf"[ \t]+(?:\d{{4,5}}|(?:{_D1}[ \t]){{4}}{_D1}(?:[ \t]+(?:dash|-)(?:[ \t]+{_D1}){{4}})?"
                              rf"|(?:{_D1}[ \t]){{3}}{_D1}|(\d{{1,2}}))(?![\w'’.,/-]?\d)(?![\w'’])")
_QUANTITY_AFTER = re.compile(r"[ \t]*(?:%|€|\$|£|kl\b|km\b|kg\b|people|years?|times|hours?|days?|minutes?|euros?"
                             r"|pounds?|dollars?|rand|percent|per cent|pm\b|am\b|h\b)")
_PROVINCE = re.compile(r"[ \t]*\([^()\d]{2,25}\)")
# Codes that only their place after a town tells apart: six written digits (India's PIN, Nigeria, Kenya's
# boxes: "Chennai 600026"), Malta's three letters and four digits ("Naxxar NXR 2010")
_WRITTEN_CODE_AFTER_TOWN = re.compile(r"[ \t]*,?[ \t]*(?:\d{6}|\d{3}[ \t]\d{3}|[A-Z]{3}[ \t]?\d{4})"
                                      r"(?![\w'’.,/-]?\d)(?![\w'’])")


def spoken_postcode_end(text: str, folded: str, pos: int) -> int | None:
    """End of a postal code of four to six digits read out as number words right after ``pos``, in either
    language's reading: "eighteen oh four" (1804), "six double oh oh three three" (600033), "soixante-sept cent
    vingt" (67120). The run of number words must end there (a longer one is a phone number) and be no
    quantity ("four thousand people"), no year said in two halves ("twenty nineteen")."""
    m = re.compile(r"[ \t]*,?[ \t]*").match(folded, pos)
    q = m.end() if m else pos
    if q >= len(folded) or not folded[q].isalpha():
        return None
    for lang in ("en", "fr"):
        runs = numeric_runs(text[q:q + 100], folded[q:q + 100], lang=lang)
        if not runs or runs[0][0].start != 0:
            continue
        units = runs[0]
        if any(not u.is_number or u.kind != "words" for u in units):
            continue
        digits = "".join(u.digits for u in units)
        if not 4 <= len(digits) <= 6 or (len(units) == 2 and all(len(u.digits) == 2 for u in units)
                                         and units[0].digits in ("19", "20")):
            continue  # "twenty nineteen" is a year; "twenty one forty two" is Granville's 2142
        end = q + units[-1].end
        if _QUANTITY_AFTER.match(folded, end) or re.match(r"[ \t]+(?:thousand|mille|hundred|cents?)\b", folded[end:]):
            continue
        return end
    return None


def _code_after_town(text: str, folded: str, pos: int, cased: bool) -> int | None:
    """A postal code right after a town that only its place shows (see above), or ``None``."""
    if cased:
        w = _WRITTEN_CODE_AFTER_TOWN.match(text, pos)
        return w.end() if w is not None else None
    return spoken_postcode_end(text, folded, pos)


# The town, suburb and region of a lower-case address where no code follows them: up to six words after the
# street, up to where the sentence goes on ("... bamboo avenue ensom city spanish town saint catherine",
# "... hope road kingston six just past the museum", "... close off ojuelegba road surulere and ...").
_CLAUSE_END = re.compile(r"[ \t]*(?:$|[,.;:!?)–—]|(?:and|so|but|which|who|just|since|with|near|behind|opposite|next"
                         r"|right|okay|ok|for|from|et|mais|donc|juste|pres|puis|alors|because|then|somewhere"
                         r"|where|that|if|please|thanks|thank|merci)(?![\w'’]))")
_DISTRICT_WORD = re.compile(r"[ \t]+(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
                            r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty)(?![\w'’])")





def _towns_to_clause_end(text: str, folded: str, pos: int) -> int:
    p, end = pos, pos
    for _ in range(6):
        t = re.compile(rf"[ \t]+({_TOWN_WORD})").match(text, p)
        if t is None:
            break
        ft = folded[t.start(1):t.end(1)].rstrip(".")
        if _never_a_town(ft) or ft in MONTHS or (len(ft) < 3 and ft not in _TOWN_JOIN):
            break
        p = t.end(1)
        d = _DISTRICT_WORD.match(folded, p)
        if d is not None and _CLAUSE_END.match(folded, d.end()):
            return d.end()  # "kingston six"
        if _CLAUSE_END.match(folded, p) and ft not in _TOWN_JOIN:
            end = p
            break
    return end

_JOIN_NEXT = re.compile(r"[ \t]+(?:sur|sous|en|les|im|am|an|der|bei|ob|upon|on|by)([ \t]+)(?=[^\W\d_])")
# a flat or post-office box said before the street ("flat 2f1 9 marchmont crescent", "case postale 1842, chemin
# des Vignes 5"), a flat number joined to the house number ("1204-88 Lisgar Street")
_UNIT_BEFORE = re.compile(rf"(?<![\w'’])(?:{_UNIT.pattern})[ \t]*,?[ \t]*$|(?<![\w'’])(?:{_UNIT_WORD})[ \t]+$"
                          rf"|(?<![\w'’-])\d{{1,5}}[a-z]?[-/]$|(?<![\w'’-])\d[a-z]\d{{1,2}}[ \t]*,?[ \t]*$")


# A named building or house written before the street, with a comma: "Villa Santa Maria, 12 route du Cap",
# "Le Panorama, bâtiment 3, 45 boulevard de Plombières", "Résidence Les Pins, 4 allée ..."
_BUILDING_BEFORE = re.compile(
    r"(?<![\w'’])(?:Villa|Résidence|Residence|Domaine|Mas|Chalet|Immeuble|Tour|Maison|Manoir|Quinta|Casa"
    r"|(The|Le|La|Les|L['’]))[ \t]*[A-ZÀ-Ý][\w'’-]*"
    r"(?:[ \t]+(?:de|du|des|la|le|di|da)?[ \t]*[A-ZÀ-Ý][\w'’-]*){0,2}[ \t]*,[ \t]*$")


_LIVES_AT = re.compile(r"(?:habite|habitent|vit|vivent|reside|domicilie|domiciliee|lives|living|stays|adresse"
                       r"|address|chez|at)[ \t]*:?[ \t]*$")


# "number seven olaniyan close", "new number fourteen old number seven second cross street" (Indian doors keep
# their old number beside the new one), "quarante-deux non quarante-trois boulevard …" (the number said first
# and corrected is the same person's house)
_NUMBER_WORD_BEFORE = re.compile(r"(?<![\w'’])(?:(?:new|old|door|house)[ \t]+)?(?:number|no\.?|numero|n[°o]\.?)[ \t]*$")
_OLD_NUMBER_BEFORE = re.compile(rf"(?<![\w'’])(?:new|old)[ \t]+(?:number|no\.?)[ \t]*{_HID}[ \t]+$")
_CORRECTED_BEFORE = re.compile(rf"(?<![\w'’])(?:\d{{1,4}}|{_SPOKEN})[ \t]+(?:(?:euh|uh|um|er)[ \t]+)?"
                               rf"(?:non|no|sorry|pardon|enfin|i mean|plutot|ou plutot)[ \t]*,?[ \t]+"
                               rf"(?:(?:euh|uh|um|er)[ \t]+)?$")
_NUMBER_START = re.compile(rf"(?:\d|(?:{_NUMW})(?![\w'’]))")
# A named building written before the street ("Flat 3B, Sri Sai Residency, 21 Arcot Road")
_NAMED_BUILDING_BEFORE = re.compile(
    r"(?<![\w'’])(?:[A-Z][\w'’-]*[ \t]+){1,3}(?:Residency|Residence|Apartments|Apts|Towers?|Court|House|Mansions?"
    r"|Heights|Enclave|Complex|Estate|Building|Lodge|Villas?|Chambers|Flats)[ \t]*,[ \t]*$")
# A street without a number, a village, quarter or farm, before a hamlet, quarter or post-office box ("chemin
# des goyaviers lieu-dit bellemène 97460 saint-paul", "village de kawéni rue du stade boîte postale 142 …",
# "ferme Haranburua, quartier Celhay, 64240 Hasparren")
_PLACE_LED = re.compile(r"(?:lieu-dit|lieudit|quartier|village|hameau|residence|cite|ferme|mas|bp|b\.p\.|boite postale"
                        r"|p\.?[ \t]?o\.?[ \t]?box|post office box|rue|chemin|route|allee|impasse|sentier|street|road"
                        r"|lane|triq|barangay)(?![\w'’])")
_STREET_OR_PLACE_BEFORE = re.compile(
    r"(?<![\w'’-])(?:rue|chemin|route|allee|avenue|impasse|boulevard|ruelle|sentier|sente|street|road|lane|triq"
    r"|village|quartier|hameau|lieu-dit|lieudit|cite|residence|ferme|mas|barangay)[ \t]+"
    r"(?:(?:du|de la|des|de l['’]|de|d['’]|the)[ \t]*)?[^\W\d_][\w'’-]*[ \t]*,?[ \t]*$")


_KILOMETRE_POINT_BEFORE = re.compile(r"(?<![\w'’])p\.?[ \t]?k\.?[ \t]*\d{1,3}[,.]$")
_UNIT_BUILDING_BEFORE = re.compile(
    rf"(?<![\w'’])(?:flat|apartment|apt\.?|unit|suite|room)[ \t]+(?:no\.?[ \t]*|number[ \t]+)?{_ID}[ \t]*,?[ \t]*"
    rf"(?:the[ \t]+)?(?:[^\W\d_][\w'’-]*[ \t]+){{0,3}}(?:hall|house|court|mansions?|apartments|towers?|building"
    rf"|lodge|residency|heights|estate|chambers|flats|place|centre|center)[ \t]*,?[ \t]*$")


def _extend_left(folded: str, start: int, text: str = "") -> int:
    for _ in range(6):
        if _PLACE_LED.match(folded, start):
            p = _STREET_OR_PLACE_BEFORE.search(folded, max(0, start - 50), start)
            if p is not None and p.start() < start:
                start = p.start()
                continue
        if _NUMBER_START.match(folded, start):
            n = (_NUMBER_WORD_BEFORE.search(folded, max(0, start - 20), start)
                 or _CORRECTED_BEFORE.search(folded, max(0, start - 60), start))
            if n is not None and n.start() < start:
                start = n.start()
                continue
        if re.match(r"(?:new|old)[ \t]+(?:number|no)", folded[start:start + 12]):
            n = _OLD_NUMBER_BEFORE.search(folded, max(0, start - 40), start)
            if n is not None:
                start = n.start()
                continue
        if text:
            b = _NAMED_BUILDING_BEFORE.search(text, max(0, start - 60), start)
            if b is not None and b.start() < start:
                start = b.start()
                continue
        k = _KILOMETRE_POINT_BEFORE.search(folded, max(0, start - 12), start)
        if k is not None and k.start() < start:
            start = k.start()  # Polynesia's "PK 18,2 côté mer, 98711 Paea": a point along the coast road
            continue
        u = _UNIT_BUILDING_BEFORE.search(folded, max(0, start - 80), start)
        if u is not None and u.start() < start:
            start = u.start()  # "apartment fourteen the linen hall eighty two dorset street"
            continue
        m = _UNIT_BEFORE.search(folded, max(0, start - 60), start)
        if m is None or m.start() == start:
            b = _BUILDING_BEFORE.search(text, max(0, start - 50), start) if text else None
            if b is None or b.start() == start:
                break
            if b.group(1) is not None and not _LIVES_AT.search(fold(text[max(0, b.start() - 30):b.start()])):
                break  # "Réunion du 3 mars, Le Havre, 12 rue ...": an article opens a building's name only
                # after "habite", "lives at" ...
            start = b.start()
            continue
        start = m.start()
    return start


_HOUSE = re.compile(rf"(?:\d{{1,5}}[a-z]?(?:-\d{{1,5}}[a-z]?)?|{_SPOKEN})$")
_WALK_TOKEN = re.compile(r"[^\W_][\w'’.-]*|,")
_WALK_STOP = _TOWN_STOP | frozenset("""lives live living lived stays stay staying moved move resides reside address
adresse habite habitent vit loge domicile domiciliee domicilie is at au aux a""".split())
_PLACE_WORDS = frozenset("""section village hameau lieu-dit lieudit quartier residence cite lotissement domaine
bp cs""".split())
_BOX_WORDS = frozenset("bp cs box postale postfach apartado boite".split())
_FLAT_CODE = re.compile(r"[a-z]?\d{1,3}[a-z]\d?")  # "2f1": a flat in Scotland, not a number
# Malta's code after its locality, a capitalised word ("Naxxar NXR 2010", not "en LFI 2026")
_STREET_WORD = re.compile(r"(?<![\w'’-])(?:road|street|lane|avenue|drive|close|crescent|terrace|way|heol|ffordd|lon"
                          r"|stryd|rue|chemin|triq|jalan)(?![\w'’-])")
_MALTA_CODE = re.compile(r"(?<![\w'’-])[A-Z]{3}[ \t]?\d{4}(?![\w'’-])")
_CAPITALISED_BEFORE = re.compile(r"(?<![\w'’-])[A-Z][\w'’-]+[ \t]+$")
# what says that the words after it are where a person lives, a house with a name and no number among them
_ADDRESS_CUE_BEFORE = re.compile(
    r"(?:(?<![\w'’])(?:address|adresse|addresse)(?:[ \t]+(?:is|c['’]est|est))?[ \t]*:?"
    r"|(?<![\w'’])(?:lives|live|living|stays|stay|staying|resides|reside|residing)[ \t]+at"
    r"|(?<![\w'’])(?:habite|habitent|demeurant|demeure|domicilie|domiciliee)(?:[ \t]+(?:au|aux|a))?)[ \t]*$")
_SHORT_DOTTED = re.compile(r"(?:co|st|ste|mt|ft|av|bd|n|s|e|w|no)\.$")


def find_postcode_addresses(text: str, folded: str, taken: list[tuple[int, int]]) -> list[Entity]:
    """Addresses found from their postal code back to their house number, where no street grammar took them."""
    cased_text = any(ch.isupper() for ch in text)
    codes: list[tuple[int, int]] = [(m.start(), m.end()) for m in _STRONG_RE.finditer(folded)]
    codes += [(m.start(), m.end()) for m in _MALTA_CODE.finditer(text)
              if _CAPITALISED_BEFORE.search(text, max(0, m.start() - 30), m.start())]
    for m in _CONTINENTAL_RE.finditer(folded):
        if (cased_text or len(m.group()) == 5) and _town(text, folded, m.end(), cased_text) > m.end():
            codes.append((m.start(), m.end()))  # lower-case text: only five-digit codes
    out: list[Entity] = []
    for a, b in codes:
        if any(s <= a < t for s, t in taken):
            continue
        cased = text[a].isupper() or (text[a].isdigit() and cased_text)
        toks = list(_WALK_TOKEN.finditer(folded, max(0, a - 140), a))
        start = None
        words = commas = 0
        first_word = a
        for i in range(len(toks) - 1, -1, -1):
            tok = toks[i].group()
            if tok == ",":
                commas += 1
                if commas > 3:
                    break
                continue
            gap = folded[toks[i].end():toks[i + 1].start() if i + 1 < len(toks) else a]
            if re.search(r"[.;:!?()–—\"«»%€$£/]", gap) and not _SHORT_DOTTED.search(tok):
                break
            if i == len(toks) - 1 and len(tok) <= 2 and tok.isdigit():
                continue  # a district number right before the code ("dublin 7 d07 x2k8")
            if re.fullmatch(r"\d{2}-\d{2,5}", tok) and folded[toks[i].start() - 1:toks[i].start()] == "#":
                continue  # Singapore's floor and unit: "Blk 27 Jalan Bukit Merah #03-1142 Singapore 160027"
            if _HOUSE.match(tok):
                if not words:
                    if i > 0 and toks[i - 1].group() in _BOX_WORDS:
                        start = toks[i - 1].start()  # "BP 142, 97615 Pamandzi CEDEX"
                    elif (cased and i > 0 and text[toks[i - 1].start()].isupper()
                          and toks[i - 1].group() not in _WALK_STOP and not re.search(r"\d", toks[i - 1].group())):
                        start = toks[i].start()  # "Ceintuurbaan 148-3, 1072 GC Amsterdam": the street before it
                    break  # else "siret 110 046 018 00013": digit groups, no street between
                start = toks[i].start()
                while i > 0 and _HOUSE.match(toks[i - 1].group()) and toks[i - 1].group() != ",":
                    i -= 1  # "unit 4 18 …": keep going to the unit word
                    start = toks[i].start()
                break
            if tok in _PLACE_WORDS:
                start = toks[i].start()  # "section bois-riant 97130 …", "lieu-dit kerhuel 29820 …"
                break
            if tok == "the" and i > 0 and _HOUSE.match(toks[i - 1].group()):
                continue  # "112 The Broadway"
            if tok == "the" and words >= 2:
                first_word = toks[i].start()  # "the old manse glasgow road paisley p a one three d x"
                break
            if tok.rstrip(".") in _WALK_STOP or tok in MONTHS or (
                    re.search(r"\d", tok) and not _FLAT_CODE.fullmatch(tok)):
                break
            words += 1
            first_word = toks[i].start()
            if words > 8:
                break
        if start is None and words >= 2 and (
                _ADDRESS_CUE_BEFORE.search(folded, max(0, first_word - 40), first_word)
                or _STREET_WORD.search(folded, first_word, a)):
            # "her address is bryn awel lon tyn y coed llanrug l l five five three p p", "… of the old manse
            # glasgow road paisley p a one three d x": a house with a name, its street and town, then its code
            start = first_word
        if start is None:
            continue
        # the street before a number written after it ("Derb Sidi Bouloukat 17, …", "Storgatan 12 B, …")
        if cased:
            while True:
                w = re.search(r"(?<![\w'’-])([^\W\d_][\w'’-]*)[ \t]+$", text[max(0, start - 40):start])
                if w is None or not w.group(1)[0].isupper() or fold(w.group(1)) in _WALK_STOP:
                    break
                start -= len(w.group())
        e = Entity(start=start, end=b, label="ADDRESS", text=text[start:b], source="pattern")
        out.append(extend_address(text, folded, e))
    return out


# What a speaker says between a first attempt and the address meant: "12 Oliver Plunkett Street — sorry, 21 …"
_CORRECTION_GAP = re.compile(r"[ \t]*[,—–-]?[ \t]*(?:(?:sorry|no|wait|i mean|rather|non|pardon|plutot|enfin"
                             r"|je veux dire|euh|uh|um)[ \t]*[,.…]?[ \t]*){1,3}")
# "two eighty seven hopewell sorry two eighty nine hopewell drive", "douze rue … non quatorze rue …": the house
# number and words said before the correction are the same street's
_FALSE_START = re.compile(rf"(?<![\w'’])(?:\d{{1,5}}[a-z]?|{_SPOKEN_OH})(?:[ \t]+[^\W\d_][\w'’-]*){{1,3}}"
                          rf"{_CORRECTION_GAP.pattern}$")


def _false_start(text: str, folded: str, e: Entity) -> Entity:
    m = _FALSE_START.search(folded, max(0, e.start - 70), e.start)
    if m is None:
        return e
    said = set(re.findall(r"[^\W\d_]{3,}", folded[m.start():m.end()]))
    if not said & set(re.findall(r"[^\W\d_]{3,}", folded[e.start:e.end])):
        return e  # "six rooms sorry 12 elm road": the words before are no part of this street
    return e.model_copy(update={"start": m.start(), "text": text[m.start():e.end]})


def join_addresses(text: str, ents: list[Entity]) -> list[Entity]:
    """Two ADDRESS spans with only a comma between them are one address ("5520 N College Ave", "Apt 12, …"),
    and so is a first attempt the speaker corrected ("12 Oliver Plunkett Street — sorry, 21 …")."""
    folded = fold(text)
    addrs = sorted((_false_start(text, folded, e) for e in ents if e.label == "ADDRESS"), key=lambda e: e.start)
    others = [e for e in ents if e.label != "ADDRESS"]
    joined: list[Entity] = []
    for e in addrs:
        gap = text[joined[-1].end:max(e.start, joined[-1].end)] if joined else ""
        if joined and ((e.start <= joined[-1].end + 3 and re.fullmatch(r"[ \t]*,?[ \t]*", gap))
                       or _CORRECTION_GAP.fullmatch(fold(gap))):
            last = joined[-1]
            end = max(last.end, e.end)
            joined[-1] = last.model_copy(update={"end": end, "text": text[last.start:end]})
        else:
            joined.append(e)
    return others + joined


# A post-office box is where the person's mail goes: "PO Box 417", "p o box four one seven", "P.O. Box
# 2041-00900" (Kenya writes the box, a dash and the post office's code), "BP 142", "boîte postale 12".
_PO_BOX = re.compile(
    # "rural route two box 47"
    rf"(?<![\w'’])(?:(?:rural route|r\.?[ \t]?r\.?)[ \t]*(?:\d{{1,3}}|{_HID})[ \t]*,?[ \t]*box"
    rf"|p[ \t]?\.?[ \t]?o\.?[ \t]?box|post office box|postbus|postfach|apartado|boite postale|bp|b\.p\.)"
    rf"[ \t]*(?:no\.?[ \t]*)?(?:[a-z]{{1,3}}[ \t]?(?=\d)|(?:[a-z][ \t]){{1,3}}(?={_D1}))?(?:\d{{1,6}}|{_HID})(?![\w'’])"
    rf"(?:[ \t]*(?:-|dash)[ \t]*(?:\d{{5}}|{_SPOKEN_OH})(?![\w'’]))?")


def find_po_boxes(text: str, folded: str) -> list[Entity]:
    """Post-office boxes, with what follows them (station, town, region, code)."""
    out: list[Entity] = []
    if "box" not in folded and "bp" not in folded and "post" not in folded and "apartado" not in folded \
            and "b.p." not in folded:
        return out
    for m in _PO_BOX.finditer(folded):
        e = Entity(start=m.start(), end=m.end(), label="ADDRESS", text=text[m.start():m.end()], source="pattern")
        after = text[m.end():m.end() + 4].lstrip(" \t,")
        # "BP quatre cent dix-sept … bobigny cedex": the box word's capitals say nothing of the town's
        out.append(extend_address(text, folded, e, cased=after[:1].isupper()))
    return out


_POSTCODE_CUE = re.compile(r"(?<![\w'’])(?:eircode|postcode|post code|postal code|zip code|zip|code postal)"
                           r"(?:[ \t]+(?:is|it's|its|c'est|est))?[ \t]*:?[ \t]*")


def find_cued_postcodes(text: str, folded: str) -> list[Entity]:
    """A postal code said on its own after its name: "sorry the eircode is d eighteen w two p five"."""
    out: list[Entity] = []
    if "code" not in folded and "zip" not in folded:
        return out
    for m in _POSTCODE_CUE.finditer(folded):
        strong = _STRONG_RE.match(folded, m.end())
        spoken = spoken_code_end(folded, m.end())
        ends = [x for x in (strong.end() if strong else None, spoken) if x is not None]
        if ends:
            a, b = m.end(), max(ends)
            out.append(Entity(start=a, end=b, label="ADDRESS", text=text[a:b], source="pattern"))
    return out


# Ghana's digital addresses (GhanaPost GPS: a region and district's two letters, then three or four digits
# and four more: "AK-039-5028", "GA-183-8164"), written or read out after their name: "her digital address
# is a k four eight five nine seven three two". They point at one house, so they are its address.
_DIGITAL_CUE = re.compile(r"(?<![\w'’])(?:digital address|gps address|ghana ?post(?: gps)?(?: address)?|gps"
                          r"|adresse numerique)(?:[ \t]+(?:code|is|it's|number|c'est))*[ \t]*:?[ \t]*")
_DIGITAL_WRITTEN = re.compile(r"[a-z]{2}[ \t]?-?[ \t]?\d{3,4}[ \t]?-?[ \t]?\d{4}(?![\w'’])")
_DIGITAL_LETTERS = re.compile(r"(?:[a-z]{2}|[a-z][ \t]+[a-z])(?:[ \t]*(?:-|dash)?[ \t]*)(?=[\w])")


def find_digital_addresses(text: str, folded: str) -> list[Entity]:
    """Digital addresses after their name, written or read out (see above)."""
    out: list[Entity] = []
    if "gps" not in folded and "digital" not in folded and "numerique" not in folded:
        return out
    for m in _DIGITAL_CUE.finditer(folded):
        a = m.end()
        w = _DIGITAL_WRITTEN.match(folded, a)
        if w is not None:
            out.append(Entity(start=a, end=w.end(), label="ADDRESS", text=text[a:w.end()], source="pattern"))
            continue
        letters = _DIGITAL_LETTERS.match(folded, a)
        if letters is None:
            continue
        q = letters.end()
        runs = numeric_runs(text[q:q + 120], folded[q:q + 120], lang="en")
        if not runs or runs[0][0].start != 0:
            continue
        digits, end = "", q
        for u in runs[0]:
            if not u.is_number:
                break
            digits += u.digits
            end = q + u.end
            if len(digits) >= 8:
                break
        if 7 <= len(digits) <= 8:
            out.append(Entity(start=a, end=end, label="ADDRESS", text=text[a:end], source="pattern"))
    return out
