"""PII redaction on generated sentences: nothing survives, ordinary numbers stay."""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pytest
from stdnum import luhn

from speech.redact import redact, redact_segments

TODAY = date(2026, 11, 25)


def _words(text: str) -> list[str]:
    return text.split()


DIGIT_WORDS = {"en": _words("zero one two three four five six seven eight nine"),
               "fr": _words("zéro un deux trois quatre cinq six sept huit neuf")}
MONTHS = {"en": _words("January February March April May June July August September October "
                       "November December"),
          "fr": _words("janvier février mars avril mai juin juillet août septembre octobre "
                       "novembre décembre")}
IBANS = ("FR76 3000 6000 0112 3456 7890 189", "GB82 WEST 1234 5698 7654 32",
         "DE89 3704 0044 0532 0130 00", "ES91 2100 0418 4502 0005 1332",
         "NL91ABNA0417164300", "BE68 5390 0754 7034", "IT60X0542811101000000123456")


def card(rng: np.random.Generator) -> str:
    body = str(rng.choice(["4", "51", "37", "6011"])) + "".join(
        str(d) for d in rng.integers(10, size=14))
    body = body[:15]
    return body + luhn.calc_check_digit(body)


def spaced(digits: str, rng: np.random.Generator) -> str:
    style = rng.integers(3)
    if style == 0:
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    if style == 1:
        return "-".join(digits[i:i + 4] for i in range(0, len(digits), 4))
    return digits


def phone(lang: str, rng: np.random.Generator) -> str:
    digits = "".join(str(d) for d in rng.integers(10, size=8))
    if lang == "fr":
        number = "06" + digits
        return str(rng.choice([" ".join(number[i:i + 2] for i in range(0, 10, 2)),
                               "+33 6 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2)),
                               number]))
    number = "07911" + digits[:6]
    return str(rng.choice([f"{number[:5]} {number[5:]}", f"+44 7911 {digits[:6]}",
                           f"(415) 555-{digits[:4]}"]))


def generated(rng: np.random.Generator) -> list[tuple[str, list[str], list[str]]]:
    """(sentence, secrets that must vanish, ordinary numbers that must stay)."""
    out = []
    for i in range(240):
        lang = "fr" if i % 2 else "en"
        kind = ("card", "card_spoken", "iban", "phone", "phone_spoken", "email",
                "email_spoken", "dob", "address")[i % 9]
        amount = f"{int(rng.integers(10, 900))}"
        day = int(rng.integers(1, 29))
        keep = [amount]
        month = MONTHS[lang][int(rng.integers(12))]
        if kind == "card":
            secret = spaced(card(rng), rng)
            text = (f"My card is {secret}, please take {amount} euros on the {day}th." if lang ==
                    "en" else f"Ma carte est la {secret}, prélevez {amount} euros le {day}.")
            secrets = [re.sub(r"\D", "", secret)]
        elif kind == "card_spoken":
            digits = card(rng)
            words = " ".join(DIGIT_WORDS[lang][int(d)] for d in digits)
            text = (f"the card number is {words} and I owe {amount} euros" if lang == "en"
                    else f"le numéro de carte est {words}, je dois {amount} euros")
            secrets = [words]
        elif kind == "iban":
            secret = IBANS[int(rng.integers(len(IBANS)))]
            text = (f"Debit {amount} euros from IBAN {secret} in 3 installments." if lang == "en"
                    else f"Prélevez {amount} euros sur l'IBAN {secret} en 3 fois.")
            secrets = [secret.replace(" ", "")[4:12]]
            keep.append("3")
        elif kind == "phone":
            secret = phone(lang, rng)
            text = (f"Call me on {secret} after 6pm about the {amount} euros." if lang == "en"
                    else f"Appelez-moi au {secret} pour les {amount} euros.")
            secrets = [re.sub(r"\D", "", secret)[-6:]]
        elif kind == "phone_spoken":
            digits = "07911" + "".join(str(d) for d in rng.integers(10, size=6)) \
                if lang == "en" else "06" + "".join(str(d) for d in rng.integers(10, size=8))
            words = " ".join(DIGIT_WORDS[lang][int(d)] for d in digits)
            text = (f"my number is {words}, I can pay {amount} on the {day}th" if lang == "en"
                    else f"mon numéro est le {words}, je peux payer {amount} le {day}")
            secrets = [words]
        elif kind == "email":
            user = f"{rng.choice(['jo', 'marie', 'k.lee', 'paul_d'])}{int(rng.integers(100))}"
            secret = f"{user}@{rng.choice(['example.com', 'mail.fr', 'post.co.uk'])}"
            text = (f"Send the receipt for {amount} euros to {secret} please." if lang == "en"
                    else f"Envoyez le reçu de {amount} euros à {secret} merci.")
            secrets = [user]
        elif kind == "email_spoken":
            user = str(rng.choice(["john", "marie", "sam"]))
            last = str(rng.choice(["smith", "durand", "lee"]))
            secret = (f"{user} dot {last} at example dot com" if lang == "en"
                      else f"{user} point {last} arobase exemple point fr")
            text = (f"my email is {secret} and I paid {amount}" if lang == "en"
                    else f"mon mail c'est {secret} et j'ai payé {amount}")
            secrets = [f"{user} dot {last}" if lang == "en" else f"{user} point {last}", last]
        elif kind == "dob":
            year = int(rng.integers(1950, 2005))
            bday = int(rng.integers(1, 29))
            form = i % 4
            if lang == "en":
                birth = (f"{bday} {month} {year}", f"{month} {bday}, {year}",
                         f"{bday:02d}/{int(rng.integers(1, 13)):02d}/{year}",
                         f"the {bday}th of {month} {year}")[form]
                text = f"I was born on {birth}, and I will pay {amount} euros on the {day}th."
            else:
                birth = (f"{bday} {month} {year}", f"{bday:02d}/{int(rng.integers(1, 13)):02d}/"
                         f"{year}", f"{bday} {month} {year}", f"{bday}/{month}/{year}")[form]
                text = f"Je suis né le {birth} et je paierai {amount} euros le {day}."
            secrets = [str(year)]
        else:
            number = int(rng.integers(1, 300))
            if lang == "en":
                street = str(rng.choice(["Baker Street", "Elm Road", "Station Avenue",
                                         "Church Lane", "Mill Road", "Oak Drive"]))
                text = f"I live at {number} {street}, I can pay {amount} pounds."
            else:
                street = str(rng.choice(["rue de la Paix", "avenue Victor Hugo",
                                         "boulevard Voltaire", "rue des Lilas",
                                         "place de la République"]))
                text = f"J'habite au {number} {street}, je peux payer {amount} euros."
            secrets = [street.split()[-1]]
        out.append((text, secrets, keep))
    return out


CASES = generated(np.random.default_rng(42))


def test_at_least_200_sentences_cover_every_kind():
    assert len(CASES) >= 200


@pytest.mark.parametrize("text,secrets,keep", CASES)
def test_nothing_survives_and_amounts_stay(text, secrets, keep):
    clean = redact(text, today=TODAY)
    for secret in secrets:
        assert secret.lower() not in clean.lower(), (text, clean)
    assert re.search(r"\[(CARD|IBAN|PHONE|EMAIL|DOB|ADDRESS|NUMBER)\]", clean), clean
    for number in keep:
        assert re.search(rf"(?<!\d){number}(?!\d)", clean), (text, clean)


@pytest.mark.parametrize("text,label", [
    ("card 4539 1488 0343 6467", "[CARD]"),
    ("IBAN GB82 WEST 1234 5698 7654 32", "[IBAN]"),
    ("ring 0612345678", "[PHONE]"),
    ("mail jo@example.com", "[EMAIL]"),
    ("born 12 March 1985", "[DOB]"),
    ("I live at 12 Baker Street", "[ADDRESS]"),
    ("reference 123456789012", "[NUMBER]"),
])
def test_placeholders_are_typed(text, label):
    assert label in redact(text, today=TODAY)


@pytest.mark.parametrize("text", [
    "I will pay 250 euros on the 15th of March 2026.",
    "Je paierai 1 250,50 € le 15 mars 2026 en 4 fois.",
    "Payment of 240 euros due on 15/03/2026, plan 3 of 4.",
    "I have 3 installments of 49.99 left, next one on 2026-04-05.",
    "my card was declined twice this week for 120 euros",
    "I bought it in 2024 for 1,200 pounds",
])
def test_ordinary_numbers_and_payment_dates_are_kept(text):
    assert redact(text, today=TODAY) == text


def test_a_card_split_across_segments_is_redacted_in_both():
    text, segments = redact_segments([
        {"start": 0.0, "end": 2.0, "text": " My card is 4539 1488"},
        {"start": 2.0, "end": 4.0, "text": " 0343 6467. Thanks."},
    ], today=TODAY)
    assert text == "My card is [CARD]. Thanks."
    assert [s["text"] for s in segments] == ["My card is [CARD]", ". Thanks."]
    assert [s["start"] for s in segments] == [0.0, 2.0]
