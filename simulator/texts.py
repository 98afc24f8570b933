"""Free text the simulated customers write and say: feedback comments and call scripts.

Customers do not write like a taxonomy. Each reason has many paraphrases per language, filled
with slot values (amounts, days of month, items, durations), wrapped in openers and closers,
sometimes with a typo, in lower case, with a second reason, with a negated mention of another
reason ("it's not that I forgot, my card expired"), with a recurring theme that fits no reason
(the app login, paying off early, finding a statement), or with nothing useful at all. That is
what makes mining them a real test rather than a lookup.

Comments are generated vectorised: rows are grouped by (reason, language), template indices are
drawn per row, and slots are filled with numpy object-array concatenation, one pass per template
rather than one per row.
"""

from __future__ import annotations

import string

import numpy as np
import pandas as pd
from stdnum import luhn

from relance.contract import REASON_CODES

# --- slot values ------------------------------------------------------------------------------


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


_EN_ITEMS = ("pair of shoes", "sofa", "order", "headset", "jacket", "parcel", "phone", "dress",
             "laptop", "package", "pair of trainers", "lamp", "watch", "coat", "mattress",
             "ticket")
_FR_ITEMS = ("ma commande", "le colis", "le canapé", "les chaussures", "le casque", "la veste",
             "le téléphone", "la robe", "l'ordinateur", "les baskets", "la lampe", "la montre",
             "le manteau", "le matelas", "les billets", "mon article")

SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "amount": tuple(
            [f"{n} euros" for n in (25, 30, 45, 49, 60, 75, 80, 99, 120, 150, 199, 240)]
            + [f"€{n}" for n in (15, 35, 42, 55, 89, 110, 130, 300)]
            + [f"£{n}" for n in (20, 38, 64, 95, 140)]
            + [f"{n:.2f}" for n in (19.99, 33.30, 47.50, 66.66, 83.25, 124.90)]
        ),
        "day": tuple(_ordinal(d) for d in range(1, 29)),
        "duration": ("two weeks", "three weeks", "a month", "two months", "10 days", "six weeks",
                     "a few days", "three months", "a week", "five days", "over a month"),
        "item": _EN_ITEMS,
        "person": ("mother", "father", "husband", "wife", "son", "daughter", "partner",
                   "grandmother", "brother", "sister"),
        "count": ("two", "three", "four", "five", "3", "4", "6"),
        "month": ("January", "February", "March", "April", "May", "June", "July", "August",
                  "September", "October", "November", "December"),
    },
    "fr": {
        "amount": tuple(
            [f"{n} euros" for n in (25, 30, 45, 49, 60, 75, 80, 99, 120, 150, 199, 240)]
            + [f"{n} €" for n in (15, 35, 42, 55, 89, 110, 130, 300)]
            + [f"{n}€" for n in (20, 38, 64, 95, 140)]
            + [f"{n} €" for n in ("19,99", "33,30", "47,50", "66,66", "83,25", "124,90")]
        ),
        "day": ("1er", *(str(d) for d in range(2, 29))),
        "duration": ("deux semaines", "trois semaines", "un mois", "deux mois", "10 jours",
                     "six semaines", "quelques jours", "trois mois", "une semaine", "cinq jours",
                     "plus d'un mois"),
        "item": _FR_ITEMS,
        "person": ("ma mère", "mon père", "mon mari", "ma femme", "mon fils", "ma fille",
                   "mon conjoint", "ma grand-mère", "mon frère", "ma sœur"),
        "count": ("deux", "trois", "quatre", "cinq", "3", "4", "6"),
        "month": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                  "septembre", "octobre", "novembre", "décembre"),
    },
}
# A second slot of the same kind in one template ("the {day} ... the {day2}").
for _lang in SLOTS:
    SLOTS[_lang]["day2"] = SLOTS[_lang]["day"]
    SLOTS[_lang]["amount2"] = SLOTS[_lang]["amount"]

# --- what customers say, per reason and language ------------------------------------------------

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "payday_timing": {
        "en": (
            "My salary comes in on the {day} but you take the payment on the {day2}.",
            "I get paid at the end of the month, the debit came out before my wages arrived.",
            "The payment date is before my payday, I just need a few more days.",
            "Money goes in on the {day}, the installment was taken too early.",
            "I had the money, just not on that day. Payday was {duration} later.",
            "You tried to take {amount} two days before I get paid.",
            "Pay day is the {day}, please collect after that.",
            "My wages were late this month so the payment bounced, it went through once I got "
            "paid.",
            "It's not that I don't want to pay, my pay comes in after your debit date.",
            "I am paid every other friday and the direct debit hits before that.",
            "Benefits are paid on the {day}, the due date falls just before.",
            "The timing is off, I get my paycheck on the {day} and the charge was on the {day2}.",
            "Could you line up the collection with my payday? It always fails the day before.",
            "Salary arrives late in the month, I always have money after the {day}.",
            "My employer pays on the last working day, your debit is a week earlier.",
            "Not a problem with my card, the money simply wasn't there yet because payday is "
            "the {day}.",
            "Always short a few days before pay day, that's when you take it.",
            "i get my wage on the {day}, the instalment goes out on the {day2}",
        ),
        "fr": (
            "Mon salaire tombe le {day} mais vous prélevez le {day2}.",
            "Je suis payé en fin de mois, le prélèvement passe avant mon salaire.",
            "La date de prélèvement est avant ma paie, il me faut juste quelques jours de plus.",
            "L'argent arrive le {day}, l'échéance a été prélevée trop tôt.",
            "J'avais l'argent, mais pas ce jour-là. Ma paie est arrivée {duration} après.",
            "Vous avez essayé de prélever {amount} deux jours avant mon salaire.",
            "Je touche mon salaire le {day}, merci de prélever après.",
            "Mon salaire a été versé en retard ce mois-ci, donc le paiement a été rejeté.",
            "Ce n'est pas que je ne veux pas payer, ma paie arrive après votre date de "
            "prélèvement.",
            "Mes allocations sont versées le {day}, l'échéance tombe juste avant.",
            "Le prélèvement passe toujours la veille de ma paie.",
            "Pas un problème de carte, l'argent n'était simplement pas encore là, je suis payé "
            "le {day}.",
            "je recois ma paye le {day} et vous prelevez le {day2}",
        ),
    },
    "income_shock": {
        "en": (
            "I lost my job last month and I'm looking for work.",
            "I was made redundant {duration} ago.",
            "My hours were cut at work, I only get half my usual pay now.",
            "My contract ended and I have no income until I find something.",
            "My unemployment benefit stopped and I have nothing coming in.",
            "I got laid off, things are really tight right now.",
            "The company I worked for went bust and I haven't been paid.",
            "I'm on reduced hours since {duration}, I can't cover everything.",
            "My partner lost their job and we are living on one salary.",
            "I'm self-employed and work has dried up completely.",
            "It's not about my card, I was fired and have no income.",
            "Lost my job. Will pay when I find a new one.",
            "My benefits were suspended while they review my claim.",
            "Got let go from work {duration} ago, struggling.",
            "I'm out of work since {month} and living on savings.",
            "They cut my shifts to two days a week.",
        ),
        "fr": (
            "J'ai perdu mon emploi le mois dernier et je cherche du travail.",
            "J'ai été licencié il y a {duration}.",
            "On a réduit mes heures, je ne touche plus que la moitié de mon salaire.",
            "Mon contrat s'est terminé et je n'ai plus de revenus.",
            "Mes allocations chômage se sont arrêtées, je n'ai plus rien.",
            "Je suis au chômage depuis {month}.",
            "L'entreprise a fait faillite et je n'ai pas été payé.",
            "Je suis à temps partiel depuis {duration}, je ne peux pas tout payer.",
            "Mon conjoint a perdu son travail, on vit avec un seul salaire.",
            "Je suis indépendant et je n'ai plus de clients.",
            "Ce n'est pas un problème de carte, j'ai été licencié et je n'ai plus de revenus.",
            "Plus de travail depuis {duration}, je paierai dès que je retrouve un emploi.",
            "Mes aides ont été suspendues, je n'ai aucune rentrée d'argent.",
        ),
    },
    "forgot_or_unaware": {
        "en": (
            "I completely forgot the payment was due.",
            "I didn't realise there was a second installment.",
            "I thought I had paid everything already.",
            "I never saw the reminder, I didn't know it was due on the {day}.",
            "Sorry, it slipped my mind. I'll pay {amount} now.",
            "I wasn't aware the purchase was split into installments.",
            "I was on holiday and didn't check my emails, I forgot about it.",
            "I thought the {item} was paid in full at checkout.",
            "I didn't know the payment was taken automatically from this account.",
            "Honestly I just forgot, I have the money.",
            "It's not a money problem, I simply forgot about it.",
            "I didn't notice the due date had passed.",
            "Nobody told me there was still {amount} to pay.",
            "I mixed up the dates, thought it was next month.",
            "Totally forgot, paying it now.",
            "Didn't know I still owed anything on the {item}.",
        ),
        "fr": (
            "J'ai complètement oublié l'échéance.",
            "Je ne savais pas qu'il y avait une deuxième échéance.",
            "Je pensais avoir déjà tout payé.",
            "Je n'ai pas vu le rappel, je ne savais pas que c'était dû le {day}.",
            "Désolé, ça m'est sorti de la tête. Je paie les {amount} maintenant.",
            "Je n'avais pas compris que l'achat était payé en plusieurs fois.",
            "J'étais en vacances et j'ai oublié.",
            "Je croyais que {item} était payé en totalité.",
            "Ce n'est pas un problème d'argent, j'ai simplement oublié.",
            "Je n'ai pas remarqué que la date était passée.",
            "Personne ne m'a dit qu'il restait {amount} à payer.",
            "Je me suis trompé de date, je pensais que c'était le mois prochain.",
            "oublié, desolé, je regle ça aujourd'hui",
        ),
    },
    "payment_method_issue": {
        "en": (
            "My card expired and I didn't update it.",
            "I got a new card from my bank and the old one was still on file.",
            "It's not that I forgot, my card expired.",
            "I changed banks and the old account was closed.",
            "The payment kept getting declined even though I had money.",
            "My bank blocked my card for a security check.",
            "The direct debit mandate was cancelled when I switched accounts.",
            "I lost my card and had to order a replacement.",
            "Your payment page gave me an error every time I tried to pay.",
            "The verification code never arrived so the payment failed.",
            "My card was replaced after it was stolen, I need to add the new one.",
            "Card expired in {month}, I'll add the new one today.",
            "I switched to a new bank account and forgot to update the details.",
            "The bank says your debit was rejected because of a technical error.",
            "New card number since {month}, the old card on my account no longer works.",
            "Money was there but the card got refused, no idea why.",
        ),
        "fr": (
            "Ma carte a expiré et je ne l'ai pas mise à jour.",
            "Ma banque m'a envoyé une nouvelle carte, l'ancienne était encore enregistrée.",
            "Ce n'est pas un oubli, ma carte a expiré.",
            "J'ai changé de banque et l'ancien compte est fermé.",
            "Le paiement a été refusé alors que j'avais l'argent.",
            "Ma banque a bloqué ma carte pour un contrôle de sécurité.",
            "Le mandat de prélèvement a été annulé quand j'ai changé de compte.",
            "J'ai perdu ma carte et j'attends la nouvelle.",
            "Votre page de paiement affiche une erreur à chaque fois.",
            "Je n'ai jamais reçu le code de validation, donc le paiement a échoué.",
            "Carte expirée en {month}, j'ajoute la nouvelle aujourd'hui.",
            "Nouveau compte bancaire, j'ai oublié de changer le RIB.",
            "la carte est refusée sans raison, l'argent était sur le compte",
        ),
    },
    "dispute_or_return": {
        "en": (
            "I returned the {item} and I'm still waiting for the refund.",
            "I never received the {item}.",
            "The {item} arrived damaged and I sent it back.",
            "The order never arrived, why should I pay for it?",
            "I was charged {amount} but the order was only {amount2}.",
            "I cancelled the order {duration} ago and I'm still being charged.",
            "The shop has my return but hasn't processed the refund.",
            "The parcel was lost by the courier.",
            "I got the wrong size, returned it, and the refund is still pending.",
            "Half the order was missing, I'm not paying for things I didn't get.",
            "I'm waiting for the merchant to confirm my return.",
            "You billed me twice for the same purchase.",
            "It's not that I can't pay, the {item} never showed up.",
            "The delivery still says in transit after {duration}.",
            "Sent the {item} back {duration} ago, still no refund.",
            "The {item} was faulty, the store agreed to a refund but nothing yet.",
        ),
        "fr": (
            "J'ai retourné {item} et j'attends toujours le remboursement.",
            "Je n'ai jamais reçu {item}.",
            "Le colis est arrivé abîmé et je l'ai renvoyé.",
            "La commande n'est jamais arrivée, pourquoi payer ?",
            "On m'a facturé {amount} alors que la commande faisait {amount2}.",
            "J'ai annulé la commande il y a {duration} et on me prélève encore.",
            "Le magasin a reçu mon retour mais ne m'a pas remboursé.",
            "Le transporteur a perdu le colis.",
            "Mauvaise taille, j'ai renvoyé l'article et le remboursement est toujours en attente.",
            "Il manquait la moitié de la commande.",
            "Vous m'avez facturé deux fois le même achat.",
            "Ce n'est pas que je ne peux pas payer, je n'ai jamais reçu {item}.",
            "renvoyé il y a {duration}, toujours pas remboursé",
        ),
    },
    "fraud_or_identity": {
        "en": (
            "I didn't make this purchase.",
            "Someone used my details to buy this, it wasn't me.",
            "My account was hacked and someone ordered things in my name.",
            "I don't recognise this order at all.",
            "This is fraud, I have never shopped at this store.",
            "My email was compromised and someone opened this plan.",
            "I reported my identity stolen to the police, this debt is not mine.",
            "There is a purchase of {amount} on my account I never made.",
            "Somebody took over my account and changed the password.",
            "I never signed up for this, please investigate.",
            "Someone used my card without permission to buy the {item}.",
            "Not my purchase. Identity theft.",
            "I have no idea who bought this, it was not me.",
        ),
        "fr": (
            "Je n'ai pas fait cet achat.",
            "Quelqu'un a utilisé mes informations, ce n'est pas moi.",
            "Mon compte a été piraté et quelqu'un a commandé à mon nom.",
            "Je ne reconnais pas du tout cette commande.",
            "C'est une fraude, je n'ai jamais acheté dans ce magasin.",
            "On m'a volé mon identité, j'ai porté plainte, cette dette n'est pas la mienne.",
            "Il y a un achat de {amount} que je n'ai jamais fait.",
            "Quelqu'un a pris le contrôle de mon compte et changé le mot de passe.",
            "Je ne me suis jamais inscrit, merci de vérifier.",
            "usurpation d'identité, ce n'est pas mon achat",
        ),
    },
    "hardship_life_event": {
        "en": (
            "My mother passed away and I had to travel for the funeral.",
            "I've been in hospital for {duration}.",
            "I'm going through a divorce and everything is a mess.",
            "I was diagnosed with cancer and I'm off work for treatment.",
            "My father died last month, I haven't dealt with any paperwork.",
            "I had an accident and couldn't work.",
            "I'm struggling with depression and couldn't face opening my post.",
            "My partner left and I'm now paying all the bills alone.",
            "We had a death in the family.",
            "I've been seriously ill and only just got out of hospital.",
            "My house flooded and all my money went on repairs.",
            "Separated from my husband, money is very tight.",
            "I'm caring for my sick {person} full time.",
            "My {person} died suddenly and I've not been coping.",
            "Had surgery {duration} ago and I'm still recovering.",
        ),
        "fr": (
            "Ma mère est décédée et j'ai dû partir pour l'enterrement.",
            "J'ai été hospitalisé pendant {duration}.",
            "Je suis en plein divorce, tout est compliqué.",
            "On m'a diagnostiqué un cancer, je suis en arrêt pour le traitement.",
            "Mon père est mort le mois dernier.",
            "J'ai eu un accident et je n'ai pas pu travailler.",
            "Je fais une dépression, je n'arrivais plus à ouvrir mon courrier.",
            "Nous avons eu un décès dans la famille.",
            "J'ai été gravement malade, je sors juste de l'hôpital.",
            "Je suis séparée, je paie tout seule maintenant.",
            "Je m'occupe de {person} qui est malade.",
            "deuil dans la famille, je n'ai pas eu la tête à ça",
        ),
    },
    "over_indebtedness": {
        "en": (
            "I have too many payment plans at the same time.",
            "I've got several buy now pay later loans and can't keep up.",
            "I'm juggling credit cards, an overdraft and these installments.",
            "All my debts came due at once.",
            "I owe money to several lenders and I'm prioritising rent.",
            "I took on too many plans over Christmas.",
            "Between my loans and my credit card there's nothing left at the end of the month.",
            "I'm in a debt management plan and can only pay a little.",
            "I have {count} other installment plans running right now.",
            "Too much credit, I'm drowning in repayments.",
            "I'm paying off other debts first.",
            "My overdraft is maxed out and the other lenders take everything.",
            "Too many loans, I can't pay them all this month.",
        ),
        "fr": (
            "J'ai trop de paiements en plusieurs fois en même temps.",
            "J'ai plusieurs crédits et je n'arrive plus à suivre.",
            "Entre les crédits, le découvert et vos échéances, je n'y arrive pas.",
            "Toutes mes dettes tombent en même temps.",
            "Je dois de l'argent à plusieurs organismes et je paie d'abord le loyer.",
            "J'ai {count} autres paiements fractionnés en cours.",
            "Je suis surendetté, j'ai déposé un dossier à la Banque de France.",
            "Trop de crédits, je rembourse les autres d'abord.",
            "Mon découvert est au maximum et les autres prêteurs prennent tout.",
            "trop de credits en cours, je ne m'en sors plus",
        ),
    },
    "refuses_to_pay": {
        "en": (
            "I'm not paying this.",
            "I don't think I owe you anything, stop asking.",
            "Your fees are a scam, I won't pay them.",
            "I will not pay a penny more.",
            "Take me to court if you want, I'm not paying.",
            "I don't agree with this debt and won't pay it.",
            "I never agreed to these terms, I refuse.",
            "Why should I pay interest? I'm not paying.",
            "I don't feel like paying, leave me alone.",
            "I have the money but I won't give it to you.",
            "This company is a joke, you'll get nothing from me.",
            "The late fee is unfair so I'm refusing to pay the rest.",
        ),
        "fr": (
            "Je ne paierai pas.",
            "Je ne vous dois rien, arrêtez de me demander.",
            "Vos frais sont une arnaque, je refuse de les payer.",
            "Je ne paierai pas un centime de plus.",
            "Allez au tribunal si vous voulez, je ne paie pas.",
            "Je conteste cette dette et je ne la paierai pas.",
            "Je n'ai jamais accepté ces conditions, je refuse.",
            "J'ai l'argent mais je ne vous le donnerai pas.",
            "Les frais de retard sont abusifs, je refuse de payer le reste.",
            "pas question de payer",
        ),
    },
    "other": {
        "en": (
            "I'm moving abroad next month, what happens to my plan?",
            "Please send me a statement of my account.",
            "Can you tell me how much is left to pay?",
            "I'd like to speak to someone about my options.",
            "Is it possible to get an invoice for the {item}?",
            "Please update my address.",
            "I have a question about my account.",
        ),
        "fr": (
            "Je déménage à l'étranger, que devient mon plan ?",
            "Merci de m'envoyer un relevé de compte.",
            "Combien me reste-t-il à payer ?",
            "J'aimerais parler à quelqu'un de mes options.",
            "Est-il possible d'avoir une facture pour {item} ?",
            "J'ai une question sur mon compte.",
        ),
    },
}

# Recurring topics that fit no reason, for the topic model to surface.
THEMES: dict[str, dict[str, tuple[str, ...]]] = {
    "app_login": {
        "en": (
            "I can't log in to the app.",
            "The app keeps saying my password is wrong.",
            "Login to the app fails every time, I can't see my balance.",
            "Your app logs me out and won't let me back in.",
            "I never get the login code for the app.",
            "Cannot sign in to my account on the app since the update.",
        ),
        "fr": (
            "Je n'arrive pas à me connecter à l'application.",
            "L'application dit que mon mot de passe est faux.",
            "Impossible de me connecter à l'appli depuis la mise à jour.",
            "Je ne reçois jamais le code de connexion de l'application.",
        ),
    },
    "early_payoff": {
        "en": (
            "How can I pay off the whole balance early?",
            "I want to settle the full amount early, is there a fee?",
            "Can I pay everything off early in one go?",
            "I'd like to pay the remaining installments early.",
        ),
        "fr": (
            "Comment rembourser tout le solde par anticipation ?",
            "Je voudrais solder le montant restant en une seule fois.",
            "Puis-je payer toutes les échéances restantes d'avance ?",
        ),
    },
    "statement_request": {
        "en": (
            "I can't find my statement or invoice in the app.",
            "Where do I download the invoice for my purchase?",
            "Please email me a copy of my invoice.",
            "The statement page is empty, I need my invoice for my records.",
        ),
        "fr": (
            "Je ne trouve pas ma facture dans l'application.",
            "Où télécharger la facture de mon achat ?",
            "Merci de m'envoyer une copie de ma facture par mail.",
        ),
    },
}

NEUTRAL: dict[str, tuple[str, ...]] = {
    "en": ("ok", "Thanks.", "no comment", "n/a", "Fine.", "Nothing to add.", "-", "Good service.",
           "all good now", "Thank you for your patience."),
    "fr": ("ok", "Merci.", "rien à dire", "RAS", "Bien.", "Rien à ajouter.", "-",
           "Bon service.", "tout est réglé", "Merci de votre patience."),
}

OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("Hello. ", "Hi! ", "Sorry for the delay. ", "About my payment: ", "To be honest. ",
           "Good morning. ", "Regarding the missed payment. ", "Hi there. "),
    "fr": ("Bonjour. ", "Bonjour, ", "Désolé pour le retard. ", "Concernant mon paiement : ",
           "Pour être honnête. ", "Bonsoir. "),
}
CLOSERS: dict[str, tuple[str, ...]] = {
    "en": (" Sorry.", " Thanks.", " I will pay as soon as I can.", " Can you help?",
           " Please advise.", " Sorry for the trouble.", " Thank you for understanding.",
           " I hope we can find a solution.", " Kind regards.", " I can pay on the {day}.",
           " I'll pay the {amount} on the {day}.", " Can I pay {amount} now and the rest later?",
           " I will make a payment on the {day}."),
    "fr": (" Désolé.", " Merci.", " Je paierai dès que possible.", " Pouvez-vous m'aider ?",
           " Cordialement.", " Merci de votre compréhension.", " J'espère trouver une solution.",
           " Je peux payer le {day}.", " Je paierai les {amount} le {day}.",
           " Je peux verser {amount} maintenant et le reste plus tard ?"),
}
# Tension that can accompany any reason.
ANGRY: dict[str, tuple[str, ...]] = {
    "en": (" Stop calling me every day.", " This is harassment, I will complain.",
           " You've texted me five times this week, enough!", " I'm fed up with your messages."),
    "fr": (" Arrêtez de m'appeler tous les jours.",
           " C'est du harcèlement, je vais porter plainte.",
           " Cinq SMS cette semaine, ça suffit !", " J'en ai marre de vos relances."),
}
# Word-level typos customers make.
TYPOS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("because", "becuase"), ("salary", "salery"), ("payment", "paymnet"),
           ("received", "recieved"), ("the ", "teh "), ("card", "crad"), ("forgot", "forgt"),
           ("until", "untill"), ("account", "acount"), ("refund", "refnd"), ("job", "jb"),
           ("installment", "instalment"), ("money", "mony"), ("I'm", "Im"), ("don't", "dont"),
           ("didn't", "didnt"), ("months", "monthes"), ("hospital", "hospitol")),
    "fr": (("paiement", "paiment"), ("salaire", "salair"), ("carte", "carde"),
           ("remboursement", "rembourssement"), ("reçu", "recu"), ("échéance", "echeance"),
           ("prélèvement", "prelevement"), ("été", "ete"), ("n'ai", "ai"), ("très", "tres"),
           ("crédits", "credits"), ("décédée", "decedee")),
}


# --- vectorised filling ----------------------------------------------------------------------

_FORMATTER = string.Formatter()


def _fill(templates: tuple[str, ...], n: int, language: str,
          rng: np.random.Generator) -> np.ndarray:
    """``n`` strings, each a random template of ``templates`` with its slots filled at random.

    One pass per template (not per row): rows sharing a template are filled together by
    concatenating object arrays of literal text and randomly indexed slot values.
    """
    out = np.empty(n, dtype=object)
    choice = rng.integers(len(templates), size=n)
    for k, template in enumerate(templates):
        rows = np.flatnonzero(choice == k)
        if rows.size == 0:
            continue
        text = np.full(rows.size, "", dtype=object)
        for literal, field, _spec, _conv in _FORMATTER.parse(template):
            if literal:
                text = text + literal
            if field is not None:
                values = np.array(SLOTS[language][field], dtype=object)
                text = text + values[rng.integers(values.size, size=rows.size)]
        out[rows] = text
    return out


def _pick(options: tuple[str, ...], n: int, rng: np.random.Generator) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(len(options), size=n)]


def _theme_sentences(n: int, language: str, rng: np.random.Generator) -> np.ndarray:
    pool = tuple(t for theme in THEMES.values() for t in theme[language])
    return _fill(pool, n, language, rng)


def _comments_for_group(reason: str, language: str, n: int,
                        rng: np.random.Generator) -> np.ndarray:
    """Comments for ``n`` customers who default for ``reason`` and write in ``language``."""
    text = _fill(TEMPLATES[reason][language], n, language, rng)
    u = rng.random(n)
    if reason == "other":
        # Most 'other' comments are one of the recurring themes or say nothing useful.
        themed = u < 0.55
        text[themed] = _theme_sentences(int(themed.sum()), language, rng)
        neutral = (u >= 0.55) & (u < 0.75)
        text[neutral] = _pick(NEUTRAL[language], int(neutral.sum()), rng)
    else:
        # A few customers give no usable reason even though they picked one.
        neutral = u < 0.02
        text[neutral] = _pick(NEUTRAL[language], int(neutral.sum()), rng)
        # Some name a second reason, in a second sentence.
        second = (u >= 0.02) & (u < 0.12)
        others = [r for r in REASON_CODES if r not in (reason, "other")]
        other_choice = rng.integers(len(others), size=n)
        for j, other in enumerate(others):
            rows = np.flatnonzero(second & (other_choice == j))
            if rows.size:
                extra = _fill(TEMPLATES[other][language], rows.size, language, rng)
                text[rows] = text[rows] + " " + extra
        # Some add a recurring off-taxonomy theme.
        themed = (u >= 0.12) & (u < 0.18)
        text[themed] = text[themed] + " " + _theme_sentences(int(themed.sum()), language, rng)

    v = rng.random(n)
    opener = v < 0.25
    text[opener] = _pick(OPENERS[language], int(opener.sum()), rng) + text[opener]
    closer = (v >= 0.25) & (v < 0.5)
    text[closer] = text[closer] + _fill(CLOSERS[language], int(closer.sum()), language, rng)
    angry = rng.random(n) < 0.05
    text[angry] = text[angry] + _pick(ANGRY[language], int(angry.sum()), rng)
    return text


def _roughen(comments: pd.Series, languages: np.ndarray, rng: np.random.Generator) -> pd.Series:
    """Typos, all-lower-case and missing final punctuation on a share of comments."""
    n = len(comments)
    w = rng.random(n)
    for language, typos in TYPOS.items():
        # About 8 % of comments get one typo: each typo rule, in random order, takes a random
        # half of the still untouched comments where its word occurs.
        pending = np.flatnonzero((languages == language) & (w < 0.08))
        for j in rng.permutation(len(typos)):
            right, wrong = typos[j]
            texts = comments.iloc[pending]
            take = texts.str.contains(right, regex=False).to_numpy() & (
                rng.random(pending.size) < 0.5)
            rows = pending[take]
            if rows.size:
                comments.iloc[rows] = texts[take].str.replace(right, wrong, n=1, regex=False)
                pending = pending[~take]
    lower = (w >= 0.08) & (w < 0.20)
    comments[lower] = comments[lower].str.lower()
    bare = (w >= 0.20) & (w < 0.28)
    comments[bare] = comments[bare].str.rstrip(".!")
    return comments


def feedback_comments(reasons: np.ndarray, languages: np.ndarray,
                      rng: np.random.Generator) -> np.ndarray:
    """One free-text comment per row, written by a customer whose true reason is ``reasons[i]``.

    ``reasons`` holds ids of ``relance.contract.REASON_CODES``; ``languages`` holds 'en' or 'fr'
    (anything else is written in English). Deterministic for a given ``rng`` state.
    """
    reasons = np.asarray(reasons, dtype=object)
    languages = np.where(np.asarray(languages, dtype=object) == "fr", "fr", "en")
    unknown = set(pd.unique(reasons)) - set(REASON_CODES)
    if unknown:
        raise ValueError(f"unknown reason ids: {sorted(map(str, unknown))}")
    out = np.empty(len(reasons), dtype=object)
    for reason in REASON_CODES:
        for language in ("en", "fr"):
            rows = np.flatnonzero((reasons == reason) & (languages == language))
            if rows.size:
                out[rows] = _comments_for_group(reason, language, rows.size, rng)
    return _roughen(pd.Series(out, dtype=object), languages, rng).to_numpy(dtype=object)


# --- call scripts ----------------------------------------------------------------------------

# What the customer says on the phone: spoken, clean sentences (no typos), one or two per call.
CALL_REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "payday_timing": {
        "en": ("My salary comes in on the {day}, but the payment was taken a few days before "
               "that.",
               "I get paid at the end of the month, and the debit came out before my wages "
               "arrived.",
               "I had the money, just not on that day. My payday is after your debit date."),
        "fr": ("Mon salaire arrive le {day}, mais le prélèvement passe quelques jours avant.",
               "Je suis payé en fin de mois et le prélèvement est passé avant mon salaire."),
    },
    "income_shock": {
        "en": ("I lost my job last month, and I have no income at the moment.",
               "I was made redundant a few weeks ago, and I am still looking for work.",
               "My hours were cut at work, so I only get half of my usual pay."),
        "fr": ("J'ai perdu mon emploi le mois dernier et je n'ai plus de revenus.",
               "J'ai été licencié il y a quelques semaines."),
    },
    "forgot_or_unaware": {
        "en": ("I am sorry, I completely forgot that the payment was due.",
               "I did not realise there was another installment to pay.",
               "Honestly, it slipped my mind. I have the money."),
        "fr": ("Je suis désolé, j'ai complètement oublié l'échéance.",
               "Je ne savais pas qu'il restait une échéance à payer."),
    },
    "payment_method_issue": {
        "en": ("My card expired, and the new card is not on my account yet.",
               "I changed banks, and the old account was closed.",
               "The payment was declined because my bank replaced my card."),
        "fr": ("Ma carte a expiré et je n'ai pas enregistré la nouvelle.",
               "J'ai changé de banque et l'ancien compte est fermé."),
    },
    "dispute_or_return": {
        "en": ("I returned the {item}, and I am still waiting for the refund.",
               "I never received the {item}, so I do not think I should pay for it.",
               "The order arrived damaged, and I sent it back to the shop."),
        "fr": ("J'ai retourné {item} et j'attends toujours le remboursement.",
               "Je n'ai jamais reçu {item}."),
    },
    "fraud_or_identity": {
        "en": ("I did not make this purchase. Someone used my details.",
               "My account was hacked, and somebody ordered things in my name."),
        "fr": ("Je n'ai pas fait cet achat, quelqu'un a utilisé mes informations.",
               "Mon compte a été piraté."),
    },
    "hardship_life_event": {
        "en": ("My mother passed away, and I had to travel for the funeral.",
               "I have been in hospital for two weeks, and I am still recovering.",
               "I am going through a divorce, and everything is very difficult."),
        "fr": ("Ma mère est décédée et j'ai dû partir pour l'enterrement.",
               "J'ai été hospitalisé pendant deux semaines."),
    },
    "over_indebtedness": {
        "en": ("I have too many payment plans and loans at the same time.",
               "Between my credit card and my other loans, there is nothing left at the end "
               "of the month."),
        "fr": ("J'ai trop de crédits en même temps.",
               "Entre mes crédits et le découvert, je n'y arrive plus."),
    },
    "refuses_to_pay": {
        "en": ("I am not paying this. Your fees are a scam.",
               "I do not owe you anything, and I will not pay."),
        "fr": ("Je ne paierai pas, vos frais sont abusifs.",
               "Je ne vous dois rien et je ne paierai pas."),
    },
    "other": {
        "en": ("I just have a question about my account balance.",
               "I am moving abroad, and I want to know what happens to my plan."),
        "fr": ("J'ai juste une question sur mon solde.",
               "Je déménage à l'étranger, que devient mon plan ?"),
    },
}

_DIGIT_WORDS = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"),
    "fr": ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf"),
}
_FIRST = ("john", "mary", "alex", "sam", "emma", "louis", "chloe", "david", "sophie", "paul")
_LAST = ("smith", "martin", "brown", "durand", "taylor", "bernard", "wilson", "petit")
_DOMAINS = ("example.com", "mail.com", "example.org", "post.net")
_STREETS = {
    "en": ("Baker Street", "Elm Road", "Station Avenue", "Church Lane", "Mill Road"),
    "fr": ("rue de la Paix", "avenue Victor Hugo", "rue des Lilas", "boulevard Voltaire"),
}


def _card_number(rng: np.random.Generator) -> str:
    body = "4" + "".join(str(d) for d in rng.integers(10, size=14))
    return body + luhn.calc_check_digit(body)


def _phone_number(language: str, rng: np.random.Generator) -> str:
    if language == "fr":
        return "06" + "".join(str(d) for d in rng.integers(10, size=8))
    return "07700 900" + "".join(str(d) for d in rng.integers(10, size=3))


def _spoken_digits(digits: str, language: str) -> str:
    return " ".join(_DIGIT_WORDS[language][int(d)] for d in digits if d.isdigit())


def _identity_check(language: str, rng: np.random.Generator) -> list[tuple[str, str]]:
    """One identity question and its answer, carrying personal data redaction must remove."""
    kind = rng.choice(["dob", "phone", "card", "email", "address"])
    month = SLOTS[language]["month"][rng.integers(12)]
    day, year = int(rng.integers(1, 29)), int(rng.integers(1950, 2004))
    if language == "fr":
        if kind == "dob":
            return [("agent", "Pouvez-vous me confirmer votre date de naissance ?"),
                    ("customer", f"Je suis né le {day} {month} {year}.")]
        if kind == "phone":
            return [("agent", "Quel est votre numéro de téléphone ?"),
                    ("customer", f"C'est le {_spoken_digits(_phone_number('fr', rng), 'fr')}.")]
        if kind == "card":
            return [("agent", "Quel est le numéro de la carte ?"),
                    ("customer", f"C'est le {_spoken_digits(_card_number(rng), 'fr')}.")]
        if kind == "email":
            email = f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}@{rng.choice(_DOMAINS)}"
            return [("agent", "Quelle est votre adresse e-mail ?"), ("customer", f"C'est {email}.")]
        street = _STREETS["fr"][rng.integers(len(_STREETS["fr"]))]
        return [("agent", "Quelle est votre adresse ?"),
                ("customer", f"J'habite au {int(rng.integers(1, 120))} {street}.")]
    if kind == "dob":
        return [("agent", "Can you confirm your date of birth, please?"),
                ("customer", f"Yes, I was born on the {_ordinal(day)} of {month} {year}.")]
    if kind == "phone":
        return [("agent", "What is the best phone number to reach you?"),
                ("customer", f"It is {_spoken_digits(_phone_number('en', rng), 'en')}.")]
    if kind == "card":
        return [("agent", "Which card would you like to use?"),
                ("customer", f"The card number is {_spoken_digits(_card_number(rng), 'en')}.")]
    if kind == "email":
        email = f"{rng.choice(_FIRST)}.{rng.choice(_LAST)}@{rng.choice(_DOMAINS)}"
        return [("agent", "Can I have your email address?"), ("customer", f"Sure, it is {email}.")]
    street = _STREETS["en"][rng.integers(len(_STREETS["en"]))]
    return [("agent", "Can you confirm your home address?"),
            ("customer", f"I live at {int(rng.integers(1, 120))} {street}.")]


def call_script(reason: str, language: str, rng: np.random.Generator) -> list[tuple[str, str]]:
    """A short collections call in which the customer states ``reason``.

    Returns (speaker, line) pairs, speaker 'agent' or 'customer'. About half the calls include
    an identity check with personal data (date of birth, phone, card number read digit by digit,
    e-mail, address), so redaction is exercised on real transcripts.
    """
    if reason not in REASON_CODES:
        raise ValueError(f"unknown reason {reason!r}")
    language = "fr" if language == "fr" else "en"
    (statement,) = _fill(CALL_REASONS[reason][language], 1, language, rng)
    (amount,) = _pick(SLOTS[language]["amount"][:12], 1, rng)
    (day,) = _pick(SLOTS[language]["day"], 1, rng)
    if language == "fr":
        lines = [("agent", "Bonjour, ici le service des paiements. Je vous appelle au sujet "
                           f"d'une échéance de {amount} qui n'a pas été payée."),
                 ("customer", "Oui, bonjour.")]
        middle = [("agent", "Pouvez-vous me dire ce qui s'est passé ?"), ("customer", statement),
                  ("agent", f"Je comprends. Pouvez-vous payer le {day} ?"),
                  ("customer", "Oui, c'est d'accord."),
                  ("agent", "Merci, au revoir.")]
    else:
        lines = [("agent", "Hello, this is the payments team. I am calling about a payment of "
                           f"{amount} that was not paid."),
                 ("customer", "Yes, hello.")]
        middle = [("agent", "Can you tell me what happened?"), ("customer", statement),
                  ("agent", f"I understand. Could you make the payment on the {day}?"),
                  ("customer", "Yes, that works for me."),
                  ("agent", "Thank you, goodbye.")]
    if rng.random() < 0.5:
        lines += _identity_check(language, rng)
    return lines + middle
