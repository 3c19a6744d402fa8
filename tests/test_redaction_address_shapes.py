"""Addresses as people in many countries say and write them: the town and a code read out after the street,
codes that only their place shows, houses with a name and no number after an address cue, a house number
corrected or given twice, post-office boxes with letters, Ghana's digital addresses, farms and quarters
before a hamlet's postal code. And the sentences that go on after a street, which stay.

The examples are written from each country's postal conventions (India Post's six-digit PIN, MaltaPost's
three letters and four digits, GhanaPost GPS, the Royal Mail's postcodes read letter by letter, La Poste's
five digits), with places and streets of their own, not taken from the benchmark's sets.
"""

from __future__ import annotations

import pytest

from visio_archive.redaction.address_parts import spoken_postcode_end
from visio_archive.redaction.numbers_fr import fold
from visio_archive.redaction.patterns import find_structured


def addresses(text: str, lang: str = "en") -> list[str]:
    return [e.text for e in find_structured(text, lang=lang) if e.label == "ADDRESS"]


def covered(text: str, part: str, lang: str = "en") -> bool:
    """Whether every letter and digit of ``part`` lies inside a span of any label (what a viewer sees)."""
    a = text.index(part)
    spans = [(e.start, e.end) for e in find_structured(text, lang=lang)]
    return all(not ch.isalnum() or any(s <= a + i < t for s, t in spans) for i, ch in enumerate(part))


@pytest.mark.parametrize(("said", "digits"), [
    ("eighteen oh four", 4),       # 1804: a South African code, two digits then two read singly
    ("one eight six eight", 4),
    ("six double oh oh one six", 6),  # 600016: an Indian PIN with "double"
    ("five six oh oh one", 5),
    ("soixante-sept cent vingt", 5),  # 67120
    ("vingt-neuf deux cents", 5),  # 29200
])
def test_a_postal_code_read_out_in_number_words(said: str, digits: int) -> None:
    text = f" town {said}"
    end = spoken_postcode_end(text, fold(text), len(" town"))
    assert end == len(text), (said, digits)


@pytest.mark.parametrize("said", [
    "twenty nineteen",             # a year said in halves
    "four thousand people",        # a quantity
    "oh seven seven one two three four five six seven",  # a phone number is longer than any postal code
    "twelve",                      # too short
])
def test_number_words_that_are_no_postal_code(said: str) -> None:
    text = f" town {said}"
    assert spoken_postcode_end(text, fold(text), len(" town")) is None


@pytest.mark.parametrize(("text", "address"), [
    ("she lives at twenty six jan smuts avenue craighall park two one nine six near the school",
     "twenty six jan smuts avenue craighall park two one nine six"),
    ("he gave thirty one first main road gandhi nagar adyar chennai six double oh oh two oh for the letter",
     "thirty one first main road gandhi nagar adyar chennai six double oh oh two oh"),
    ("the parcel goes to seventeen church road tooting s w seventeen nine q x",
     "seventeen church road tooting s w seventeen nine q x"),
])
def test_town_and_code_read_out_after_the_street(text: str, address: str) -> None:
    assert covered(text, address), find_structured(text, lang="en")


@pytest.mark.parametrize(("text", "address"), [
    ("Applicant: R. Menon, Flat 4C, Lakeview Apartments, 12 MG Road, Ernakulam, Kochi 682016; fee paid.",
     "Flat 4C, Lakeview Apartments, 12 MG Road, Ernakulam, Kochi 682016"),
    ("Ms Camilleri, 15, Triq il-Kbira, Mosta MST 1234, tel. withheld.", "15, Triq il-Kbira, Mosta MST 1234"),
    ("Forms to P.O. Box 214, August Town, St Andrew; copy to the registry.", "P.O. Box 214, August Town, St Andrew"),
])
def test_written_codes_that_only_their_place_shows(text: str, address: str) -> None:
    assert address in addresses(text), addresses(text)


def test_a_house_with_a_name_after_an_address_cue() -> None:
    text = "her address is ty gwyn heol y parc aberaeron s a four six oh b b thanks"
    assert addresses(text) == ["ty gwyn heol y parc aberaeron s a four six oh b b"]


def test_a_house_name_needs_the_cue_and_the_code() -> None:
    assert addresses("the meeting is in ty gwyn heol y parc aberaeron next week") == []


@pytest.mark.parametrize(("text", "address"), [
    ("so he is at plot nine kaunda road kabulonga lusaka and he works at the ministry",
     "plot nine kaunda road kabulonga lusaka"),
    ("she moved to number twelve awolowo close off adeniyi jones avenue ikeja",
     "number twelve awolowo close off adeniyi jones avenue ikeja"),
    ("write to new number nine old number forty two third cross street besant nagar okay",
     "new number nine old number forty two third cross street besant nagar"),
])
def test_suburbs_and_towns_up_to_where_the_sentence_goes_on(text: str, address: str) -> None:
    assert addresses(text) == [address]


@pytest.mark.parametrize(("text", "address"), [
    ("we met at ten downing street last week and then", "ten downing street"),
    ("they were at twelve high street all morning", "twelve high street"),
    ("drop it at nine station road my office", "nine station road"),
])
def test_what_follows_a_street_in_a_sentence_is_no_town(text: str, address: str) -> None:
    assert addresses(text) == [address]


@pytest.mark.parametrize(("text", "lang", "address"), [
    ("elle habite au douze non treize rue des acacias trente et un mille toulouse", "fr",
     "douze non treize rue des acacias trente et un mille toulouse"),
    ("he's at fourteen sorry sixteen palm grove road", "en", "fourteen sorry sixteen palm grove road"),
])
def test_a_corrected_house_number_is_part_of_the_address(text: str, lang: str, address: str) -> None:
    assert covered(text, address, lang), find_structured(text, lang=lang)


@pytest.mark.parametrize(("text", "address"), [
    ("send it to p o box a n one two three four accra please", "p o box a n one two three four accra"),
    ("Correspondence: P.O. Box KIA 16, Accra.", "P.O. Box KIA 16, Accra"),
])
def test_a_post_office_box_with_its_letters(text: str, address: str) -> None:
    assert address in addresses(text), addresses(text)


@pytest.mark.parametrize(("text", "address"), [
    ("GPS: GA-183-8164, near the chapel", "GA-183-8164"),
    ("his digital address is g w one two three four five six seven", "g w one two three four five six seven"),
])
def test_a_ghana_digital_address(text: str, address: str) -> None:
    assert covered(text, address), find_structured(text, lang="en")


def test_gps_without_a_code_is_nothing() -> None:
    assert addresses("the gps is broken in the van") == []


@pytest.mark.parametrize(("text", "address"), [
    ("domicilié 7 B, rue des Tanneurs, 68000 Colmar ; tél. absent", "7 B, rue des Tanneurs, 68000 Colmar"),
    ("il habite au cinq c rue de la gare soixante-huit mille colmar depuis mai",
     "cinq c rue de la gare soixante-huit mille colmar"),
    ("le siège de l'exploitation ferme Elizaldea, quartier Bourg, 64250 Itxassou ; cheptel 40 brebis.",
     "ferme Elizaldea, quartier Bourg, 64250 Itxassou"),
    ("c'est impasse des vanilliers lieu-dit bois-court quatre-vingt-dix-sept mille quatre cent dix saint-pierre",
     "impasse des vanilliers lieu-dit bois-court quatre-vingt-dix-sept mille quatre cent dix saint-pierre"),
])
def test_french_house_letters_farms_and_streets_before_a_hamlet(text: str, address: str) -> None:
    assert covered(text, address, "fr"), find_structured(text, lang="fr")


@pytest.mark.parametrize("text", [
    "la ferme ouvre à huit heures et le quartier est calme",
    "le village de pêcheurs reçoit trois cents visiteurs",
])
def test_a_farm_or_a_quarter_without_a_postal_code_stays(text: str) -> None:
    assert addresses(text, "fr") == []


@pytest.mark.parametrize(("text", "address"), [
    ("she rents unit three slash nine park street auburn twenty one forty four with her son",
     "unit three slash nine park street auburn twenty one forty four"),
    ("the postal one is po box two two one blacktown nsw twenty one forty eight okay",
     "po box two two one blacktown nsw twenty one forty eight"),
    ("he's out at rural route four box twelve kingman arizona eight six four oh one on his own",
     "rural route four box twelve kingman arizona eight six four oh one"),
    ("her mail goes to twelve moonshine hill road r d two upper hutt five three seven one",
     "twelve moonshine hill road r d two upper hutt five three seven one"),
    ("since she left nine a ranelagh road upper dublin six she has been couch surfing",
     "nine a ranelagh road upper dublin six"),
])
def test_english_numbers_codes_and_rural_routes(text: str, address: str) -> None:
    assert covered(text, address), find_structured(text, lang="en")


@pytest.mark.parametrize(("text", "address"), [
    ("elle habite rue de la semois quatre-vingt-deux boîte quatre mille trente schaerbeek",
     "rue de la semois quatre-vingt-deux boîte quatre mille trente schaerbeek"),
    ("il a déménagé avenue de la gare vingt et un b mille cinq lausanne le mois dernier",
     "avenue de la gare vingt et un b mille cinq lausanne"),
    ("ils habitent douze rue du fort l quatre mille deux cent dix esch-sur-alzette",
     "douze rue du fort l quatre mille deux cent dix esch-sur-alzette"),
    ("elle reste au quatre cent dix rue saint-denis appartement six montréal h deux x un l quatre",
     "quatre cent dix rue saint-denis appartement six montréal h deux x un l quatre"),
    ("l'adresse c'est résidence les alizés bâtiment b appartement quatorze quatre-vingt-dix-sept mille deux cents "
     "fort-de-france",
     "résidence les alizés bâtiment b appartement quatorze quatre-vingt-dix-sept mille deux cents fort-de-france"),
    ("ils vivent au trois chemin des prés vingt-neuf mille quimper", "trois chemin des prés vingt-neuf mille quimper"),
])
def test_french_speaking_orders_read_out(text: str, address: str) -> None:
    assert covered(text, address, "fr"), find_structured(text, lang="fr")


@pytest.mark.parametrize(("text", "address"), [
    ("il habite grand-yoff villa numéro deux cent dix-huit avec sa mère", "grand-yoff villa numéro deux cent dix-huit"),
    ("elle habite abobo baoulé îlot six lot quatre-vingt-un vers le marché",
     "abobo baoulé îlot six lot quatre-vingt-un"),
    ("Famille hébergée chez un cousin, PK 7,4 côté montagne, 98718 Punaauia.", "PK 7,4 côté montagne, 98718 Punaauia"),
])
def test_addresses_by_quarter_villa_plot_and_kilometre_point(text: str, address: str) -> None:
    assert covered(text, address, "fr"), find_structured(text, lang="fr")


@pytest.mark.parametrize("text", [
    "rendez-vous place du marché quatorze juillet",
    "la réunion rue de la loi seize heures",
    "il habite à dakar et il a acheté un lot de deux cents chaises",
    "il habite douze rue de la gare près de la mairie",  # the address ends before "près"
])
def test_street_first_dates_counts_and_what_follows_stay(text: str) -> None:
    assert all("mairie" not in a and "juillet" not in a and "heures" not in a and "chaises" not in a
               for a in addresses(text, "fr")), addresses(text, "fr")


@pytest.mark.parametrize(("text", "account"), [
    ("she banks with barclays sort code twenty thirty one ninety account number five five one two oh eight four "
     "three thanks", "sort code twenty thirty one ninety account number five five one two oh eight four three"),
    ("direct deposit to transit one two three four five institution oh oh three account nine eight seven six five "
     "four three", "transit one two three four five institution oh oh three account nine eight seven six five four "
     "three"),
    ("his checking is routing oh two six oh oh nine five nine three account four four two one oh eight seven six",
     "routing oh two six oh oh nine five nine three account four four two one oh eight seven six"),
])
def test_the_parts_of_a_bank_account_are_one_span(text: str, account: str) -> None:
    # the first part's name goes with the account: it says which bank's numbers these are
    got = [(e.label, e.text) for e in find_structured(text, lang="en") if e.label == "IBAN"]
    assert got == [("IBAN", account)], got


def test_a_public_branch_code_stays() -> None:
    text = "the branch code is just the universal two five oh six five five so that part was fine"
    assert [e for e in find_structured(text, lang="en") if e.label == "IBAN"] == []


@pytest.mark.parametrize(("text", "number"), [
    ("her hkid is k five two seven one four nine bracket three", "five two seven one four nine bracket three"),
    ("his medicare number is two nine five one four six eight three oh one slash four",
     "two nine five one four six eight three oh one slash four"),
])
def test_a_check_digit_said_after_the_number(text: str, number: str) -> None:
    assert covered(text, number), find_structured(text, lang="en")


def test_a_singapore_block_with_its_floor_and_unit() -> None:
    text = "Applicant's flat: Blk 412 Ang Mo Kio Avenue 10 #07-1523 Singapore 560412, owner-occupied."
    assert "Blk 412 Ang Mo Kio Avenue 10 #07-1523 Singapore 560412" in addresses(text), addresses(text)
