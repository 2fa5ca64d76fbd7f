"""Synthetic plans of action for the scale benchmarks: a corpus that grows x1, x10, x100, x1000 in
*sections as our own indexer counts them* (the real corpus parses into 307 sections, 169 actions).

Five shapes copy the five real plans, as ``indexer.parse`` reads them:

- ``directions`` (like the BSEC 2011-2013 plan): lettered directions with numbered actions and
  their Responsible / Deadline / Funding lines (``C.2``), some recurring each semester;
- ``headed`` (like the BSEC 2021 plan): numbered headed activities whose one-paragraph bodies say
  who hosts them, when ("once a year", "Timeline: May 2021") and how they are funded;
- ``brief`` (like the CICA plan): a short prose plan, Roman areas with numbered issues;
- ``measures`` (like the ECO plan): Markdown parts with numbered measures (``4.b.2``);
- ``table`` (like the WBCSCi plan): front matter, glossaries, then a table of needs and actions
  (``3.2``) with drivers, status / timeline, funding (available / seeking / negotiated, EUR amounts),
  page-break header repeats and rows continued over them.

Bodies are fictional (a made-up regional council with an acronym, e.g. "Northern Euxine Security
Cooperation (NESC)"; no acronym of a real body is used); countries, agencies and topics are realistic;
prose comes from a small seeded grammar so passages are not copies of each other. The sections of a
file are counted while it is written (each block is built to parse into a known number of sections),
so the x1000 corpus (~307,000 sections, ~5,000 files) is written without parsing anything;
``tests/test_synth.py`` checks the count against the real parser at x1 and x3.

Example::

    from bench.synth import generate, mutate, questions
    manifest = generate(Path("/tmp/syn/corpus"), scale=10, seed=0)   # + /tmp/syn/corpus.manifest.json
    qs = questions(manifest, per_route=5)        # [{"question", "as_of", "kind", "expect"}, ...]
    changed = mutate(Path("/tmp/syn/corpus"), fraction=0.01)         # names of the files edited

CLI: ``python bench/synth.py --out /tmp/syn/corpus --scale 10 [--seed 0]`` prints one line.

``generate`` writes the manifest next to the folder (``manifest_path(out)``), not inside it, and
returns it; it removes the synthetic files (``NNNNN-*.txt``) of an earlier run from ``out`` and
refuses a folder holding anything else. Same (scale, seed): byte-identical files. Scales of 1 and
more land within 10% of ``round(scale * 307)`` sections (in practice exactly on it); a tiny scale
still writes one small plan.
"""

from __future__ import annotations

import argparse
import calendar
import json
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

REAL_SECTIONS = 307
# sections of each shape in the real corpus: the mix the generator keeps
SHARE = {"directions": 17, "headed": 25, "brief": 20, "measures": 70, "table": 175}
SHAPES = tuple(SHARE)
SIZES = {"directions": (12, 26), "headed": (18, 34), "brief": (14, 28), "measures": (45, 95), "table": (120, 240)}
MIN_SIZE = {"directions": 8, "headed": 10, "brief": 8, "measures": 20, "table": 40}
FILE_RE = re.compile(r"^\d{5}-[a-z0-9-]+\.txt$")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
YEARS = (2008, 2032)  # plans start in 2008 or later and end by 2032

# -- vocabulary --------------------------------------------------------------------------------------------
COUNTRIES = ("Albania", "Armenia", "Austria", "Azerbaijan", "Bulgaria", "Croatia", "Cyprus", "Czechia", "Estonia",
             "Finland", "Georgia", "Greece", "Hungary", "Kazakhstan", "Kyrgyzstan", "Latvia", "Lithuania", "Moldova",
             "Montenegro", "North Macedonia", "Poland", "Portugal", "Romania", "Serbia", "Slovakia", "Slovenia",
             "Spain", "Tajikistan", "Turkmenistan", "Ukraine", "Uzbekistan", "Mongolia", "Jordan", "Tunisia",
             "Morocco", "Malta", "Italy", "Norway", "Denmark", "Ireland", "Belgium", "Netherlands", "Sweden")
CODES = dict(zip(COUNTRIES, ("AL AM AT AZ BG HR CY CZ EE FI GE GR HU KZ KG LV LT MD ME MK PL PT RO RS SK SI ES TJ TM "
                             "UA UZ MN JO TN MA MT IT NO DK IE BE NL SE").split()))
CITIES = ("Vienna", "Tbilisi", "Chisinau", "Skopje", "Almaty", "Baku", "Yerevan", "Sofia", "Bucharest", "Tirana",
          "Zagreb", "Ljubljana", "Riga", "Vilnius", "Tallinn", "Valletta", "Nicosia", "Thessaloniki", "Podgorica",
          "Tashkent", "Bishkek", "Dushanbe", "Ashgabat", "Ohrid", "Varna", "Constanta", "Odesa", "Batumi", "Krakow")
BASES = ("Amber Coast", "Danube-Pontic", "Carpathian", "Caspian Rim", "Ionian", "Pannonian", "Aral Basin",
         "Levantine", "Dinaric", "Thracian", "Rhodope", "Altai", "Tian Shan", "Zagros", "Euxine", "Ligurian",
         "Tyrrhenian", "Bothnian", "Ferghana Valley", "Syr Darya", "Volga-Ural", "Aegean Rim", "Sava-Drava",
         "Tisza Valley", "Dniester-Prut", "Kopet Dag", "Pamir", "Balkan-Anatolian", "Nordic-Baltic", "Mesopotamian",
         "Maghreb-Sahel", "Vistula-Oder", "Elbe-Danube", "Ohrid-Prespa", "Adriatic-Ionian", "Caucasus-Caspian",
         "Iberian-Atlantic", "Celtic Sea", "Hindu Kush", "Karakum", "Great Steppe", "Silk Road", "Amber Road",
         "Via Egnatia", "Via Pontica", "Morava-Vardar", "Prut Valley", "Kura-Araks", "Jordan Valley", "Atlas")
PREFIXES = ("", "Northern", "Southern", "Eastern", "Western", "Central", "Greater", "Upper", "Lower", "Wider")
BODIES = {  # shape -> (body name, its acronym letters)
    "directions": (("Economic Cooperation", "EC"), ("Security Cooperation", "SC"), ("Cooperation Process", "CP"),
                   ("Partnership Council", "PC"), ("Law Enforcement Cooperation", "LEC")),
    "headed": (("Economic Cooperation", "EC"), ("Security Cooperation", "SC"), ("Interior Ministers Conference",
               "IMC"), ("Cooperation Council", "CC"), ("Economic Partnership", "EP")),
    "brief": (("Security Dialogue Conference", "SDC"), ("Confidence-Building Forum", "CBF"),
              ("Regional Security Forum", "RSF"), ("Interaction Council", "IC")),
    "measures": (("Cooperation Organization", "CO"), ("Regional Organization", "RO"), ("Economic Community", "ECM"),
                 ("Development Organization", "DO")),
    "table": (("Counter Serious Crime initiative", "CSCi"), ("Counter Organised Crime initiative", "COCi"),
              ("Internal Security initiative", "ISi"), ("Serious Crime Response initiative", "SCRi"),
              ("Law Enforcement initiative", "LEi")),
}
REAL_ACRONYMS = {"BSEC", "ECO", "CICA", "WBCSCI", "WBCTI", "WBBSI", "SCO", "CIS", "OSCE", "NATO", "GUAM", "SEECP",
                 "RCC", "SELEC", "MARRI", "RAI", "PCC", "CEPOL", "OAS", "ASEAN", "SAARC", "ECOWAS", "SADC", "CSTO",
                 "EAEU", "APEC", "OIC", "GCC", "IGAD", "EAC", "CEEAC", "BRICS", "CARICOM", "SICA", "UNODC", "IOM",
                 "IISG", "SEPCA", "SEESAC", "DCAF", "ICMPD", "UNDP", "GIZ", "CILC", "EULEX", "OMIK", "AU", "EU", "UN",
                 "CBSS", "CEI", "BEAC", "ACEC", "ISI", "SEE", "IPA", "THB", "FIU", "JIT", "PPO", "MOI", "CSCI",
                 # words and abbreviations a question might hold ("ado", "dec"): not a plan's name
                 "ADO", "ARC", "ACE", "ICE", "PIC", "TIC", "SIC", "DOC", "ROC", "MAC", "SAC", "LAC", "REC", "SEC",
                 "DEC", "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "EPIC", "DISC"}
INTERNATIONAL = ("UNODC", "Europol", "INTERPOL", "OSCE", "CEPOL", "IOM", "Council of Europe", "Eurojust", "ICMPD",
                 "DCAF", "UNDP")
DONORS = ("European Union", "Government of Norway", "Government of Japan", "Government of Switzerland",
          "EU Internal Security Fund", "German Federal Foreign Office", "Government of the Netherlands",
          "Swedish International Development Cooperation Agency", "Government of Canada")
GENERIC_AGENCIES = ("Ministry of Interior of {c}", "General Police Directorate of {c}", "Ministry of Justice of {c}",
                    "Office of the Prosecutor General of {c}", "Customs Administration of {c}")


@dataclass(frozen=True)
class Topic:
    key: str  # how people ask about it ("witness protection")
    threat: bool  # a form of crime ("cybercrime"), not a means against it ("witness protection")
    needs: tuple[str, ...]  # NEED ADDRESSED phrasings
    titles: tuple[str, ...]  # action titles of its own
    outputs: tuple[str, ...]  # expected outputs of its own
    agencies: tuple[str, ...]  # national drivers; "{c}" is the country


TOPICS = (
    Topic("trafficking in human beings", True,
          ("Fight against trafficking in human beings", "To prevent and combat trafficking in human beings"),
          ("Identification and referral of victims of trafficking", "Joint investigations into trafficking networks",
           "Training of first responders on trafficking in human beings"),
          ("Regional referral mechanism for victims of trafficking agreed and tested",
           "Standard operating procedures for the identification of victims of trafficking reviewed",
           "Joint training of labour inspectors, police officers and prosecutors on trafficking for labour "
           "exploitation", "Annual regional situation report on trafficking in human beings published",
           "Shelters and victim support services mapped in each participating State"),
          ("National Anti-Trafficking Office of {c}", "Ministry of Interior of {c}")),
    Topic("cybercrime", True, ("Fight against cybercrime", "To strengthen the capacities to investigate cybercrime"),
          ("Public reporting systems on online fraud", "Training on electronic evidence",
           "Cooperation with internet service providers"),
          ("Analysis of existing reporting mechanisms for online fraud",
           "Regional workshop on electronic evidence for judges and prosecutors",
           "Guidelines on cooperation between law enforcement and internet service providers",
           "Specialised training for cybercrime first responders",
           "Online platform for sharing court rulings on cybercrime cases"),
          ("Cybercrime Directorate of {c}", "Ministry of Interior of {c}")),
    Topic("money laundering", True, ("Fight against money laundering",
                                     "To improve financial investigations and anti-money laundering measures"),
          ("Financial investigation training", "Exchange of suspicious transaction reports",
           "Supervision of virtual asset service providers"),
          ("Training strategy on financial investigations for police, prosecutors and financial intelligence units",
           "Regional meeting of heads of financial intelligence units",
           "Typologies report on trade-based money laundering",
           "Joint workshop on virtual currencies for financial investigators"),
          ("Financial Intelligence Unit of {c}", "Financial Police of {c}")),
    Topic("firearms trafficking", True, ("Illicit firearms, incl. their online sale",
                                         "To counter the illicit trafficking of firearms"),
          ("Firearms focal points network", "Investigation of firearms trafficking on the dark web",
           "Stockpile management and marking of weapons"),
          ("National firearms focal points established and connected",
           "Three training sessions on investigating firearms trafficking on dark web markets",
           "Common standard for the collection of data on seized firearms",
           "Regional awareness campaign on the voluntary surrender of weapons"),
          ("Firearms Focal Point of {c}", "Ministry of Interior of {c}")),
    Topic("drug trafficking", True, ("Illicit drugs, incl. their online sale", "To reduce the supply of illicit drugs"),
          ("Control of drug precursors", "Container control and port security", "Synthetic drug laboratories"),
          ("Training course for police, customs and justice officials on synthetic drugs",
           "Joint risk profiles for maritime containers", "Regional report on drug seizures",
           "Early warning system on new psychoactive substances"),
          ("Drug Control Agency of {c}", "Customs Administration of {c}")),
    Topic("witness protection", False,
          ("To improve witness protection", "Protection of witnesses and collaborators of justice"),
          ("Regional network of witness protection units", "Relocation of protected witnesses",
           "Advanced witness protection course"),
          ("Semi-annual meetings of the regional network of witness protection units",
           "Model agreement on the cross-border relocation of protected witnesses",
           "Advanced course for witness protection officers", "Review of national witness protection legislation"),
          ("Witness Protection Unit of {c}", "Office of the Prosecutor General of {c}")),
    Topic("asset recovery", False, ("To improve the confiscation and recovery of criminal assets",
                                    "Asset recovery and management of seized assets"),
          ("Asset recovery offices", "Management of seized and confiscated assets",
           "Non-conviction-based confiscation"),
          ("Comparative analysis of asset recovery legislation", "Asset recovery offices established or strengthened",
           "Guidelines on the management of seized real estate and companies",
           "Training of trainers on tracing criminal assets"),
          ("Asset Recovery Office of {c}", "Agency for the Management of Seized Assets of {c}")),
    Topic("border management", False, ("Integrated border management", "To strengthen border control and management"),
          ("Joint patrols at common borders", "Police and customs cooperation centres",
           "Equipment for border crossing points"),
          ("Joint patrols at common borders organised each quarter",
           "Police and customs cooperation centre opened at a common border crossing",
           "Document examination equipment delivered to border crossing points",
           "Common risk analysis for green and blue borders"),
          ("State Border Service of {c}", "Border Police of {c}")),
    Topic("corruption", True, ("Fight against corruption", "To strengthen integrity and prevent corruption"),
          ("Investigation of high-level corruption", "Integrity in public procurement",
           "Asset declarations of public officials"),
          ("Training on corruption risks in public procurement",
           "Specialised summer school on the investigation of corruption",
           "Electronic system for the asset declarations of public officials",
           "Support to the implementation of GRECO recommendations"),
          ("Anti-Corruption Bureau of {c}", "Anti-Corruption Agency of {c}")),
    Topic("migrant smuggling", True, ("To fight the facilitation of illegal migration and migrant smuggling",
                                      "Migrant smuggling"),
          ("Regional pool of interpreters", "Investigation of smuggling networks",
           "Identification of undocumented migrants"),
          ("Protocol for a regional pool of interpreters signed", "Joint operations against migrant smuggling networks",
           "Crosschecks of fingerprints against international databases", "Situation report on smuggling routes"),
          ("Migration Service of {c}", "Border Police of {c}")),
    Topic("document fraud", True, ("Fake and forged travel documents", "To detect fake and forged documents"),
          ("Exchange of alerts on forged documents", "Document examination training"),
          ("Common alert form for forged travel documents",
           "Training of document examiners at first and second line control",
           "Reference database of genuine travel documents"),
          ("Border Police of {c}", "Passport Department of {c}")),
    Topic("environmental crime", True, ("Environmental crime", "To counter waste trafficking and wildlife crime"),
          ("Waste trafficking", "Wildlife and timber trafficking"),
          ("Joint inspections of waste shipments", "Training of environmental inspectors and prosecutors",
           "Regional assessment of wildlife trafficking routes"),
          ("Environmental Inspectorate of {c}", "Customs Administration of {c}")),
    Topic("information exchange", False, ("To improve cross-border exchange of information",
                                          "Exchange of criminal intelligence"),
          ("Secure communication channels", "Data protection in police cooperation"),
          ("Secure channel between national contact points", "Training for data protection officers",
           "Regional plan on police and customs cooperation centres"),
          ("International Police Cooperation Centre of {c}", "Ministry of Interior of {c}")),
)
THREATS = tuple(t.key for t in TOPICS if t.threat)
GENERIC_TITLES = ("Targeted training", "Regional networking", "Capacity-building and investigative support",
                  "Strengthen legislation", "Provision of equipment", "Analytical reports and threat assessments",
                  "Joint operations and common action days", "Enhanced cooperation with EU and international "
                  "mechanisms")

# A small grammar: "{name}" is another rule (one of its forms, drawn at random) or a slot of Gen.slot
# ({t}: a topic of the plan, {crime}: a form of crime, {c}/{c2}: two countries, {y0}: a year before the plan).
GRAMMAR: dict[str, tuple[str, ...]] = {
    "intro": (
        "The {org} ({acr}) {brings} the participating States of the {region} region {together_for}.",
        "Cooperation in combating crime within the {acr} framework rests on the Agreement on Cooperation in "
        "Combating Crime, signed in {city} on {date0}{and_protocol}.",
        "{meeting_at}, the Ministers of Interior of the {acr} participating States {mandated} the Working Group "
        "to prepare {this_plan}.",
        "This plan of action builds on {basis}.",
        "The {region} region {remains} {corridor} for {goods}, and {trend_clause}.",
        "The plan was prepared under the chairmanship of {c} and {agreed_by} at {their_meeting}.",
        "Its actions complement {complement}.",
        "Cooperation was institutionally strengthened in {y0}, when {institution} was established{by_what}.",
        "The participating States {commit} to {vp}.",
        "{acr} Member States {stress} that {belief}.",
    ),
    "brings": ("brings together", "unites", "gathers"),
    "together_for": ("with the aim of strengthening mutual trust, dialogue and practical cooperation among their "
                     "law enforcement and judicial authorities", "to coordinate their response to organised crime, "
                     "corruption and terrorism", "in order to turn the region into an area of security, stability "
                     "and prosperity", "to deepen cooperation between their police, customs, prosecution and "
                     "judicial services"),
    "and_protocol": ("", ", and on its Additional Protocol on the exchange of information",
                     ", as complemented by the protocol on liaison officers adopted in {y0}"),
    "meeting_at": ("Meeting in {city} in {month} {y0}", "At their meeting in {city} on {date0}",
                   "In the joint declaration adopted in {city} in {y0}"),
    "mandated": ("mandated", "instructed", "invited"),
    "this_plan": ("a plan of action for the coming period", "a new plan of action with concrete, measurable actions",
                  "a plan of action covering the most pressing forms of organised crime"),
    "basis": ("the results of the previous plan and on the recommendations of the expert meeting held in {city} "
              "on {date0}", "the regional threat assessment prepared by {intl} in {y0}",
              "the needs expressed by the national contact points at the {city} meeting",
              "the conclusions of the {acr} Ministerial Conference held in {city} in {month} {y0}"),
    "remains": ("remains", "has become", "continues to be"),
    "corridor": ("a transit corridor", "a major route", "both a source and a transit area"),
    "goods": ("illicit drugs, smuggled migrants and trafficked persons", "heroin, cocaine and synthetic drugs",
              "smuggled goods, firearms and counterfeit products", "migrants moving towards the European Union"),
    "trend_clause": ("criminal groups increasingly use legitimate businesses and online services to launder their "
                     "proceeds", "the groups involved adapt quickly to law enforcement pressure",
                     "the profits are invested in the legal economy of the region",
                     "corruption at border crossings facilitates these flows"),
    "agreed_by": ("agreed by the national contact points of all participating States",
                  "endorsed by the Committee of Senior Officials", "discussed with the partner organisations"),
    "their_meeting": ("their meeting in {city}", "the meeting held in {city} on {date0}",
                      "a meeting in {city} in {month} {y0}"),
    "complement": ("the national strategies of the participating States and the work of {intl} and {intl2} in "
                   "the region", "the activities of {intl} under its regional programme",
                   "bilateral projects funded by the {donor}"),
    "institution": ("the {acr} Liaison Officers Network", "the {acr} Secretariat in {city}",
                    "the network of national contact points", "the Regional Training Centre in {city}"),
    "by_what": ("", " by an additional protocol to the Agreement", " by a decision of the Ministers of Interior"),
    "commit": ("undertake", "have agreed", "reaffirm their commitment", "will continue"),
    "stress": ("stress", "recognise", "agree", "note with concern"),
    "belief": ("no State can tackle {crime} alone", "{crime} is closely linked to {crime2}",
               "the fight against {crime} requires a multidisciplinary approach",
               "the protection of human rights must guide all actions under this plan"),
    "vp": ("strengthen the exchange of operational information on {t}",
           "set up a network of national focal points on {t}", "hold regular expert meetings on {t}",
           "align their legislation on {t} with international standards", "develop joint training curricula on {t}",
           "make better use of joint investigation teams in cases of {crime}",
           "improve the collection of comparable statistics on {t}",
           "share risk analyses on {crime} with neighbouring States", "prepare a regional assessment of {crime}",
           "designate liaison officers for cooperation on {t}",
           "involve civil society and the private sector in the prevention of {crime}",
           "speed up the execution of mutual legal assistance requests concerning {crime}"),
    "trend": (
        "{groups} {rely_on} {means}.", "According to {source}, {stat}.", "{obstacle} {hampers} {process}.",
        "{groups} launder their proceeds through {channel}.", "{groups} combine {crime} with {crime2}.",
        "{change} calls for {response}.", "The {region} region {remains} {corridor} for {goods}.",
    ),
    "groups": ("Organised crime groups active in the {region} region", "Criminal networks operating from {c}",
               "Groups involved in {crime}", "Smugglers using the routes through {c} and {c2}",
               "Loosely structured criminal networks", "Offenders targeting the {region} region"),
    "rely_on": ("increasingly rely on", "have turned to", "make growing use of", "continue to exploit"),
    "means": ("encrypted messaging applications", "darknet markets and virtual currencies",
              "courier and postal services", "front companies and straw men", "cash couriers",
              "forged travel documents", "corrupt officials at border crossings", "social media for recruitment"),
    "source": ("the latest regional threat assessment", "the national statistics of {c}", "{intl}",
               "the reports of the national contact points", "a study commissioned by the {acr} Secretariat"),
    "stat": ("the number of {cases} {rose} in {y0}", "{cases} {rose} between {y0} and {y1}",
             "fewer than one in five {cases} led to a final conviction",
             "{cases} in {c} {grew} by {pct} per cent in {y0}"),
    "cases": ("recorded cases of {crime}", "investigations into {crime}", "convictions for {crime}",
              "seizures linked to {crime}"),
    "rose": ("rose", "fell", "remained stable", "almost doubled", "increased sharply"),
    "grew": ("rose", "fell", "grew"),
    "obstacle": ("The length of mutual legal assistance procedures", "The lack of specialised prosecutors",
                 "The diversity of national legislation", "The limited use of joint investigation teams",
                 "A shortage of trained financial investigators", "The slow exchange of information between agencies",
                 "Frequent staff turnover in specialised units"),
    "hampers": ("continues to hamper", "still limits", "slows down", "weakens"),
    "process": ("investigations into {crime}", "the confiscation of criminal assets",
                "cross-border cooperation in cases of {crime}", "the prosecution of the organisers of {crime}",
                "the protection of victims and witnesses"),
    "channel": ("real estate and construction", "the hospitality sector", "informal money transfer systems",
                "offshore companies", "online gambling platforms", "the trade in used cars"),
    "change": ("The shift of {crime} to online platforms", "The growing link between {crime} and {crime2}",
               "The arrival of new synthetic drugs on the regional market",
               "The rise in irregular migration along the {region} routes"),
    "response": ("closer cooperation between police, customs and prosecutors",
                 "specialised training for first responders", "a common regional approach",
                 "better use of financial investigations", "stronger cooperation with {intl}"),
    "method": (
        "The needs identification process started in {month} {y0} with {questionnaire} sent to the national "
        "contact points of all {acr} Beneficiaries.",
        "The list of priority needs was discussed at the Strategic Preparation Meeting held in {city} on {date0} "
        "and {later}.",
        "Partners were asked to insert into the table only actions with {criteria}.",
        "The {acr} Support Group will keep the plan as a living document and {update}.",
        "Actions were prioritised according to {priority}.",
        "Where several partners offered support for the same need, {division}.",
        "{consulted} were consulted between {month} {y0} and {month2} {y1}.",
    ),
    "questionnaire": ("a questionnaire", "a short survey", "a request for written contributions"),
    "later": ("later complemented by written contributions of the Beneficiaries", "agreed without changes",
              "revised after the comments of {intl}"),
    "criteria": ("a clear objective, an identified driver and an indication of the status of funding",
                 "measurable outputs and a realistic timeline", "a driver ready to take the lead"),
    "update": ("will circulate updated versions after each Board meeting",
               "will publish a revised table once a year", "will record every change agreed by the partners"),
    "priority": ("their urgency, their expected long-term impact and the availability of funding",
                 "the threats estimated as the most significant for the region",
                 "the interest of partners to take the lead and the funding available"),
    "division": ("the drivers agreed among themselves on a division of tasks in order to avoid duplication",
                 "the {acr} Support Group facilitated an agreement on who leads",
                 "the actions were merged under one driver"),
    "consulted": ("Donors, regional mechanisms and the Beneficiaries", "The national contact points",
                  "Representatives of {intl}, {intl2} and the Beneficiaries"),
    "funding": (
        "The total budget of the {acr} component on {t} is EUR {amount} (EU contribution: EUR {amount}). It is "
        "to be implemented until 31 December {y3}.",
        "The {acr} Secretariat covers the costs of the annual Board meeting from its core budget of EUR {amount} "
        "per year.",
        "Actions marked as seeking funding will be presented to donors at the regional donor coordination meeting "
        "held each {month} in {city}.",
        "The {donor} contributes EUR {amount} to the component on {t}, implemented by {intl}.",
        "All partners who support their actions financially are considered financial contributors to the plan "
        "and report to their donors independently.",
        "The funding of the plan is not limited to the {donor}; it also integrates the contributions of {intl} "
        "and of the Beneficiaries themselves.",
    ),
    "monitor": (
        "The {acr} Support Group will collect information on the implementation of each action and report to the "
        "Board {frequency}.",
        "A mid-term evaluation is planned for {month} {y} and a final independent evaluation at the end of {y3}.",
        "Drivers of actions are invited to report {frequency} on the results achieved and on the obstacles met.",
        "Monitoring will focus on measurable outputs; the Board will be informed of any delay and may decide on "
        "corrective measures.",
        "The evaluation will be carried out by {intl} and will cover relevance, efficiency and sustainability.",
        "Each driver appoints a contact point responsible for reporting on its actions to the {acr} Support Group.",
        "The Board will discuss the monitoring report at its meeting in {city} and decide on the follow-up.",
    ),
    "frequency": ("once a year", "twice a year", "after each meeting", "every six months"),
    "scope": (
        "The actions of the plan involve all {acr} Beneficiaries; some follow the membership of existing "
        "instruments and projects, and {c} takes part as an observer.",
        "Beneficiaries that are not members of a given regional mechanism may join its activities on an ad hoc "
        "basis where this serves the objectives of the plan.",
        "Actions on {t} involve {c} and {c2} only, as agreed at the {city} meeting.",
        "{c} and {c2} take part in the actions on {t} as observers until their accession to the Agreement.",
        "Where an action covers only part of the region, its driver informs the {acr} Support Group of the "
        "Beneficiaries concerned.",
        "Partners outside the region, such as {intl}, join the actions on {t} at the invitation of the Board.",
    ),
    "addendum": (
        "At its meeting in {city} on {date}, the Board took note of the progress made and invited the drivers of "
        "actions on {t} to update their timelines.",
        "Following a request by {c}, the {acr} Secretariat will circulate a short report on the implementation of "
        "the actions on {t} before the next Board meeting.",
        "The national contact point of {c} informed the partners that the workshop on {t} was postponed and will "
        "take place in {city} in {month} {y}.",
    ),
    "objective": ("strengthening of cross-border cooperation between the competent authorities in combating {crime}",
                  "information exchange on the state of and measures against {crime}",
                  "preparation of overviews of {crime} trends in the {acr} region",
                  "assessment of the impact of {crime} on the security of the region",
                  "development of the cooperation with regional and international organizations on {t}",
                  "capacity-building for law enforcement cooperation on {t}",
                  "analysis of the role of information technologies in {crime}"),
    "output": ("Regional workshop on {t} held in {city}", "Needs assessment on {t} in each participating State",
               "Exchange of good practice on {t} between national contact points",
               "Study visit of experts from {c} to specialised units dealing with {t}",
               "Review of national legislation on {t} against international standards",
               "Regional threat assessment on {t} presented to the Board in {month} {y}",
               "Training of trainers on {t} with follow-up national courses",
               "Handbook on {t} for police officers and prosecutors translated into national languages",
               "Joint operational meeting on {t} with the participation of {intl}",
               "Mentoring of the specialised unit of {c} on {t}"),
    "direction": ("Implementation of the {acr} commitments on {t}", "Strengthening cooperation on {t}",
                  "Elaboration and implementation of {a_acr} action plan on {t}",
                  "Development of the cooperation with the international organizations on {t}",
                  "Continuation of the implementation of the protocol on {t}"),
    "direction_item": ("Organizing regional workshops on {t} for experts of the Member States",
                       "Elaboration of the annual review of the trends of {crime} in the {acr} region",
                       "Exchange of information and best practices on {t} through the {acr} Network",
                       "Drafting a model memorandum of understanding on {t}",
                       "Monitoring of the implementation by the Member States of the {acr} commitments on {t}",
                       "Organizing the meetings of the {acr} Network of Liaison Officers on {t}",
                       "Inviting Member States that have not ratified the protocol on {t} to undertake all "
                       "necessary steps to enforce it", "Preparing a compendium of national legislation on {t}",
                       "Organizing a joint training course on {t} with {intl}"),
    "issue": ("Establishment of {a_acr} focal points network on {t};",
              "Organizing training seminars, upon request, on {t} issues;", "Raising awareness on {t};",
              "Modalities for voluntary information exchange among originating, transit and destination countries "
              "on {t};", "Establishment of a calendar for twice yearly seminars on {t} beginning {ystart};",
              "Defining needs assessment and institutional capacity with regard to training of the trainers "
              "programs on {t};", "Applicability of the experience of {c} in establishing centres of excellence "
              "on {t} within the {acr} framework;", "Modalities for timely sharing of information through the "
              "INTERPOL databases on {t};"),
    "measure": ("Member States will cooperate in exchanging information and experiences on {t} and share best "
                "practices regarding legislation.", "Experiences of the task force of {c} on {t} shall be studied "
                "and disseminated by the {intl} for sharing of best practices among the {acr} Member States.",
                "Regional training on {t} shall be coordinated by the {acr} Secretariat annually, beginning "
                "{ystart}.", "Exchange of information on activities of criminal groups engaged in {crime},",
                "Coordination and cooperation of Member States in harmonizing rules and regulations relevant to "
                "{t};", "Promotion of educational cooperation including specialized trainings on {t},",
                "Member States will hold annual meetings of the heads of the services dealing with {t}.",
                "Identifying and neutralizing the networks involved in {crime}.",
                "Establishment of national data banks on {t}.", "Stressing the need to identify the routes used "
                "for {crime},", "{Output}."),
}


def initials(words: str) -> str:
    return "".join(w[0] for w in re.split(r"[\s-]+", words) if w and w[0].isupper())


def article(acr: str) -> str:
    """'a BSEC', 'an NDIC': by how the first letter is spoken."""
    return f"an {acr}" if acr[0] in "AEFHILMNORSX" else f"a {acr}"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


# -- what a plan is ----------------------------------------------------------------------------------------
@dataclass
class Org:
    acr: str
    name: str  # long name: "Northern Euxine Security Cooperation"
    region: str
    next_year: int  # the first year free for its next plan (its plans never share a year)
    closed: bool = False  # it has a plan without a period: its name alone must single that plan out


@dataclass
class Facts:
    """What a file says that questions can ask about (a sample, to keep the manifest small)."""

    numbered: list[dict] = field(default_factory=list)  # {"number", "drivers", "title"}
    drivers: list[str] = field(default_factory=list)
    funding: dict[str, int] = field(default_factory=lambda: {"available": 0, "seeking": 0, "negotiating": 0})
    due: list[str] = field(default_factory=list)  # ISO end dates of actions
    topics: list[str] = field(default_factory=list)


class Doc:
    """The file being written: blocks separated by one blank line, and the sections each parses into."""

    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.sections = 0
        self.actions = 0

    def add(self, text: str, sections: int = 1, actions: int = 0) -> None:
        self.blocks.append(text)
        self.sections += sections
        self.actions += actions

    def glossary(self, lines: list[str]) -> None:
        """Two-column lines: the parser cuts them into chunks of about 900 characters."""
        chunks, total, started = 0, 0, False
        for ln in lines:
            if started and total + len(ln) > 900:
                chunks, total = chunks + 1, 0
            started, total = True, total + len(ln)
        self.add("\n".join(lines), chunks + 1)

    def text(self) -> str:
        return "\n\n".join(self.blocks) + "\n"


class Gen:
    """Seeded draws for one plan: names, drivers, dates inside its period, funding, prose."""

    def __init__(self, rng: random.Random, shape: str, org: Org, years: tuple[int, int]) -> None:
        self.rng, self.shape, self.org, self.acr = rng, shape, org, org.acr
        self.countries = rng.sample(COUNTRIES, rng.randint(5, 9))
        self.topics = rng.sample(TOPICS, {"table": rng.randint(7, 11), "measures": 6}.get(shape, rng.randint(3, 6)))
        self.facts = Facts(topics=[t.key for t in self.topics])
        self.y1, self.y2 = years
        self.first, self.last = date(self.y1, 1, 1), date(self.y2, 12, 31)  # the dates its actions fall in
        self.decks: dict[str, list[str]] = {}
        self.last_draw: dict[str, str] = {}

    # -- draws
    def topic(self) -> Topic:
        return self.rng.choice(self.topics)

    def country(self) -> str:
        return self.rng.choice(self.countries)

    def agency(self, topic: Topic | None = None) -> str:
        return self.rng.choice((topic.agencies if topic else ()) + GENERIC_AGENCIES).format(c=self.country())

    def driver(self, topic: Topic | None = None) -> str:
        r = self.rng.random()
        if r < 0.5:
            return self.agency(topic)
        if r < 0.85:
            return self.rng.choice(INTERNATIONAL)
        return f"{self.acr} {self.rng.choice(('Secretariat', 'Support Group', 'Liaison Officers Network'))}"

    def note_driver(self, name: str) -> None:
        """Keep a few distinctive drivers (national agencies) for "what does X lead?" questions."""
        if (" of " in name and not name.startswith("the ") and "Working Group" not in name
                and name not in self.facts.drivers and len(self.facts.drivers) < 4):
            self.facts.drivers.append(name)

    def amount(self) -> str:
        n = self.rng.choice((self.rng.randint(4, 99) * 5_000, self.rng.randint(10, 60) * 50_000))
        if n >= 1_000_000 and self.rng.random() < 0.5:
            return f"{n / 1_000_000:.1f} million".replace(".0 ", " ")
        return f"{n:,}".replace(",", " ")

    def funding(self) -> str:
        """A funding text whose status (counted in the facts) the funding parser reads the same way."""
        r, d = self.rng.random(), self.rng.choice(DONORS)
        if r < 0.45:
            status, text = "available", self.rng.choice((
                "Available", f"available ({d}, EUR {self.amount()})", f"{self.acr} core budget",
                f"Grant of the {d} (EUR {self.amount()})", f"EUR {self.amount()} secured from the {d}"))
        elif r < 0.85:
            y = self.rng.randint(self.y1, self.y2)
            status, text = "seeking", self.rng.choice((
                "Seeking funding", f"Seeking additional funding (est. EUR {self.amount()})",
                f"Funding sought for {y}-{y + 1}", f"Seeking funding; EUR {self.amount()} needed"))
        else:
            status, text = "negotiating", self.rng.choice((
                f"Funding being negotiated with the {d}", f"Under negotiation with the {d} (EUR {self.amount()})"))
        self.facts.funding[status] += 1
        return text

    def day_in_period(self) -> date:
        d = date.fromordinal(self.rng.randint(self.first.toordinal(), self.last.toordinal()))
        return d.replace(day=min(d.day, 28))

    def due(self, d: date | None) -> None:
        if d and len(self.facts.due) < 4 and d.isoformat() not in self.facts.due:
            self.facts.due.append(d.isoformat())

    def timeline(self) -> str:
        """A STATUS / TIMELINE cell inside the plan's period; its end date goes to the facts."""
        a = self.day_in_period()
        b = date.fromordinal(min(self.last.toordinal(), a.toordinal() + self.rng.randint(60, 700)))
        b = b.replace(day=min(b.day, 28))
        mon = MONTHS[a.month - 1]
        kind = self.rng.randrange(10)
        end: date | None = b
        if kind == 0:
            text = f"Ongoing {a.day}.{a.month}.{a.year} – {b.day}.{b.month}.{b.year}"
        elif kind == 1:
            text = f"Ongoing ({a.day}.{a.month}.{a.year % 100:02d}-{b.day}.{b.month}.{b.year % 100:02d})"
        elif kind == 2:
            q = (a.month - 1) // 3 + 1
            text, end = f"Foreseen Q{q} {a.year}", month_end(a.year, 3 * q)
        elif kind == 3:
            text, end = f"Planned ({mon} {a.year} – end {b.year})", date(b.year, 12, 31)
        elif kind == 4:
            text, end = f"Foreseen for {a.year}-{b.year}", date(b.year, 12, 31)
        elif kind == 5:
            text, end = f"Done ({a.day}-{a.day + 1} {mon[:3]} {a.year})", None
        elif kind == 6:
            text, end = f"Planned {a.day} {mon} {a.year}", a
        elif kind == 7:
            text, end = f"{mon} {a.year}", month_end(a.year, a.month)
        elif kind == 8:
            text, end = self.rng.choice(("Initiated", "Ongoing", "Foreseen")), None
        else:
            text = f"Ongoing {a.day} {mon[:3]} {a.year} – {b.day} {MONTHS[b.month - 1][:3]} {b.year}"
        self.due(end)
        return text

    # -- prose
    def slot(self, name: str) -> str:
        rng = self.rng

        def other(key: str, pool: tuple[str, ...] | list[str]) -> str:  # a draw unlike the last of its kind
            value = rng.choice([x for x in pool if x != self.last_draw.get(key)] or list(pool))
            self.last_draw[key] = value
            return value

        threats = [t.key for t in self.topics if t.threat] or list(THREATS)
        slots: dict[str, Callable[[], str]] = {
            "acr": lambda: self.acr, "a_acr": lambda: article(self.acr), "org": lambda: self.org.name,
            "region": lambda: self.org.region, "c": lambda: other("c", self.countries),
            "c2": lambda: other("c", self.countries), "city": lambda: rng.choice(CITIES),
            "month": lambda: rng.choice(MONTHS), "month2": lambda: rng.choice(MONTHS),
            "date0": lambda: f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {self.y1 - rng.randint(1, 3)}",
            "date": lambda: f"{self.day_in_period():%d %B %Y}".lstrip("0"),
            "y0": lambda: str(self.y1 - rng.randint(1, 4)), "y1": lambda: str(self.y1),
            "y": lambda: str(rng.randint(self.y1, self.y2)), "y3": lambda: str(self.y2),
            "ystart": lambda: str(self.y1 + rng.randint(0, 1)), "t": lambda: other("t", [t.key for t in self.topics]),
            "crime": lambda: other("crime", threats), "crime2": lambda: other("crime", threats),
            "intl": lambda: other("intl", INTERNATIONAL), "intl2": lambda: other("intl", INTERNATIONAL),
            "donor": lambda: rng.choice(DONORS), "amount": self.amount, "pct": lambda: str(rng.randint(8, 65)),
        }
        return slots[name]()

    def expand(self, template: str, **fixed: str) -> str:
        """Fill a template: rules of the grammar drawn at random, slots drawn, ``fixed`` as given."""
        def sub(m: re.Match[str]) -> str:
            name = m.group(1)
            if name in fixed:
                return fixed[name]
            if name in GRAMMAR:
                return self.expand(self.rng.choice(GRAMMAR[name]), **fixed)
            return self.slot(name)
        return re.sub(r"\{(\w+)\}", sub, template)

    def say(self, rule: str, **fixed: str) -> str:
        """One form of ``rule``, the forms dealt like cards so a plan repeats itself as little as possible."""
        deck = self.decks.get(rule)
        if not deck:
            deck = self.decks[rule] = self.rng.sample(GRAMMAR[rule], len(GRAMMAR[rule]))
        return cap(self.expand(deck.pop(), **fixed))

    def about(self, topic: Topic) -> dict[str, str]:
        """Fixed slots for a sentence about ``topic`` (a form of crime only when it is one)."""
        fixed = {"t": topic.key, "Output": self.rng.choice(topic.outputs)}
        if topic.threat:
            fixed["crime"] = topic.key
        return fixed

    def para(self, rule: str, lo: int = 2, hi: int = 4, indent: str = "") -> str:
        """A paragraph of ``lo`` to ``hi`` different sentences of a rule (about 150 to 1,000 characters)."""
        n = min(self.rng.randint(lo, hi), len(GRAMMAR[rule]))
        if len(self.decks.get(rule, ())) < n:  # a fresh deck: no form twice in one paragraph
            self.decks[rule] = self.rng.sample(GRAMMAR[rule], len(GRAMMAR[rule]))
        return indent + " ".join(self.say(rule) for _ in range(n))


# -- the five shapes ---------------------------------------------------------------------------------------
def _paras(g: Gen, doc: Doc, rule: str, n: int, indent: str = "", lo: int = 2, hi: int = 4) -> None:
    for _ in range(n):
        doc.add(g.para(rule, lo, hi, indent=indent))


def _split(rng: random.Random, total: int, parts: int, least: int = 1) -> list[int]:
    """``total`` spread over ``parts`` counts of at least ``least`` each."""
    counts = [least] * parts
    for _ in range(max(0, total - least * parts)):
        counts[rng.randrange(parts)] += 1
    return counts


def shape_directions(g: Gen, want: int) -> Doc:
    """Lettered directions, numbered actions with Responsible / Deadline / Funding lines."""
    rng, acr, doc = g.rng, g.acr, Doc()
    theme = rng.choice(("ON COOPERATION IN COMBATING CRIME, IN PARTICULAR IN ITS ORGANIZED FORMS",
                        "ON COMBATING ORGANISED CRIME AND CORRUPTION", "ON INTERNAL SECURITY COOPERATION",
                        "ON COOPERATION IN COMBATING CRIME AND TERRORISM"))
    span = f"JULY {g.y1} - JUNE {g.y2}" if g.first.month == 7 else f"JANUARY {g.y1} - DECEMBER {g.y2}"
    # the title block; the first paragraph, longer than 220 characters, closes it
    doc.add(f"PLAN OF ACTION OF THE {acr} WORKING GROUP {theme}\n\n({span})")
    doc.add(" ".join((g.say("intro"), g.say("intro"), g.say("intro"))))
    doc.add("MAIN DIRECTIONS FOR ACTION:")
    final = rng.random() < 0.5
    body = max(2, want - doc.sections - final)
    n_dir = max(1, min(7 if final else 8, round(body / rng.uniform(2.2, 3.4))))
    per = _split(rng, body, n_dir)
    for k, count in enumerate(per):
        topic = g.topic()
        letter = "ABCDEFGH"[k]
        doc.add(f"{letter}. {g.say('direction', **g.about(topic))}", 0)
        notes = 0 if count < 3 else rng.randint(0, 1)
        for i in range(1, count - notes + 1):
            doc.add(_direction_item(g, topic, letter, i), 1, 1)
        if notes:
            doc.add(f"<u>Note</u>: {g.slot('c')} has not yet appointed its liaison officer to the {acr} Network "
                    f"and {g.slot('c2')} has not ratified the protocol on {topic.key}.")
    if final:
        doc.add(f"{'ABCDEFGH'[len(per)]}. Preparing and organizing the Meeting of the Ministers of Interior of the "
                f"{acr} Member States", 0)
        last = f"{g.y2}" if g.last.month == 12 else f"{MONTHS[g.last.month - 1]} {g.y2}"
        doc.add(f"- Responsible: Country Coordinator of the Working Group and the Chairmanship-in-Office of {acr};\n"
                f"- *Deadline:* {last}.", 1, 1)
        g.due(g.last)
    return doc


def _direction_item(g: Gen, topic: Topic, letter: str, i: int) -> str:
    rng, acr = g.rng, g.acr
    what = g.say("direction_item", **g.about(topic)) if rng.random() < 0.8 else rng.choice(topic.titles)
    who = [rng.choice(("Country Coordinator of the Working Group", "Member States", f"{acr} Working Group",
                       f"{acr} Secretariat", g.agency(topic), g.agency(topic)))]
    if rng.random() < 0.4:
        who.append(rng.choice(("the Chairmanship-in-Office of " + acr, "the Member States", g.agency(topic))))
    for w in who:
        g.note_driver(w)
    d = g.day_in_period()
    mon = MONTHS[d.month - 1]
    kind = rng.randrange(7)
    if kind == 3 and date(d.year, 12, 31) > g.last:  # a plan ending in June: its last year ends with it
        kind = 2
    deadline = ("Each semester, organizing back-to-back meetings of the Network and of the Working Group",
                f"Each {mon} following the year to evaluate", f"{mon} {d.year}", f"End of {d.year}", "Permanent",
                f"no later than {d.day} {mon} {d.year}", "")[kind]
    g.due({2: month_end(d.year, d.month), 3: date(d.year, 12, 31), 5: d}.get(kind))
    lines = [f"- {i}. {what}.", f" - Responsible: {' and '.join(who)};"]
    if deadline:
        lines.append(f" - *Deadline:* {deadline}.")
    elif rng.random() < 0.7:
        lines.append(f" - Starting: {d.year}.")
    if rng.random() < 0.6:
        lines.append(f" - Funding: {g.funding()}.")
    if who[0] != "Member States" and len(g.facts.numbered) < 4:
        g.facts.numbered.append({"number": f"{letter}.{i}", "drivers": [who[0]], "title": what})
    return "\n".join(lines)


def shape_headed(g: Gen, want: int) -> Doc:
    """Numbered headed activities; each heading with its one-paragraph body is one action."""
    rng, acr, doc = g.rng, g.acr, Doc()
    year = f"{g.y1}" if g.y1 == g.y2 else f"{g.y1}-{g.y2}"
    head = (f"OF THE ORGANIZATION OF THE {g.org.name.upper()} ({acr}) ON COOPERATION IN COMBATING CRIME, "
            f"PARTICULARLY IN ITS ORGANIZED FORMS")
    if len(head) >= 160:  # a longer line would not be read as part of the title
        head = f"OF THE {g.org.name.upper()} ({acr}) ON COOPERATION IN COMBATING CRIME"
    doc.add(f"{rng.choice(('Combating Crime', 'Internal Security', 'Law Enforcement Cooperation'))}\n\n"
            f"Annex {rng.choice(('IV', 'V', 'VI', 'VII'))} to {acr}/WGCC/R({g.y1})1\n\n \n\n"
            f"PLAN OF ACTION OF THE WORKING GROUP\n\n{head}\n\n {year}\n\n"
            f" {g.country().upper()} IS THE COUNTRY-COORDINATOR\n\n ")
    activities = max(3, min(14, round((want - 3) * rng.uniform(0.35, 0.5))))
    side = rng.random() < 0.6
    prose = max(2, want - 2 - activities - side)
    intro = max(1, prose // 3)
    doc.add("          Introduction", 0)
    _paras(g, doc, "intro", intro, indent="          ")
    doc.add("          Current trends", 0)
    _paras(g, doc, "trend", prose - intro, indent="            ")
    bullets = "\n".join(f"  • {g.expand(rng.choice(GRAMMAR['objective']))};" for _ in range(rng.randint(4, 8)))
    doc.add(f"  1. General objectives in accordance with the {acr} Economic Agenda. Strengthening of the {acr} "
            f"partnership:\n\n{bullets}")
    all_one = rng.random() < 0.5  # the real plan numbers every heading "1."
    used: set[str] = set()
    for k in range(activities):
        num = 1 if all_one else k + 2
        if side and k == activities - 1:
            doc.add(f"  {num}. Side events\n\nThe {acr} Member States are invited to make additional suggestions "
                    f"on events in the framework of the Working Group (online format is possible), for example:",
                    1, 1)
            doc.add(f"  • expert meetings on certain issues of international cooperation, including on "
                    f"{g.topic().key};\n  • on the issues of personnel training of law enforcement agencies of the "
                    f"{acr} Member States in various fields.")
            continue
        title, body = _activity(g, k, year, used)
        used.add(title)
        doc.add(f"  {num}. {title}\n\n{body}", 1, 1)
    return doc


def _activity(g: Gen, k: int, year: str, used: set[str]) -> tuple[str, str]:
    """(title, body under 320 characters) of one headed activity, its title not in ``used``: who, when and
    funding."""
    rng, acr = g.rng, g.acr
    if k == 0:
        return "Ministerial meetings", rng.choice(("Not planned.", f"The Meeting of the Ministers of Interior "
                                                   f"will be hosted by the {acr} Chairmanship in {year}."))
    options: list[tuple[str, str]] = []
    for topic in rng.sample(g.topics, len(g.topics)):  # 4 + 3 per topic titles: more than 14 activities need
        options = [(t, s) for t, s in (
            ("Meetings of the Working Group", f"The Meeting of the {acr} Working Group"),
            (f"Meetings in the framework of the {acr} Liaison Officers Network",
             f"The Meeting of the {acr} Liaison Officers Network"),
            (f"Regional seminar on {topic.key}", f"A regional seminar on {topic.key}"),
            (f"Expert meeting on {topic.key}", f"An expert meeting on {topic.key}"),
            (f"Joint training course on {topic.key}", f"A joint training course on {topic.key}"),
            ("Annual review of crime trends", f"The annual review of crime trends in the {acr} region"),
            (f"Cooperation with {g.slot('intl')}", f"A joint event on {topic.key}")) if t not in used]
        if options:
            break
    title, subject = rng.choice(options)
    who = g.agency(topic) if rng.random() < 0.6 else f"{acr} Secretariat"
    g.note_driver(who)
    d = g.day_in_period()
    when = rng.randrange(3)
    if when == 0:
        when_text = " " + rng.choice(("at least once a year (online format is possible)", "once a year",
                                      "twice a year"))
    elif when == 1:
        when_text = f". Timeline: {MONTHS[d.month - 1]} {d.year}"
        g.due(month_end(d.year, d.month))
    else:
        when_text = f" before the end of {d.year}. Deadline: {d.day} {MONTHS[d.month - 1]} {d.year}"
        g.due(d)
    fund = f" Funding: {g.funding()}." if rng.random() < 0.7 else ""
    verb = rng.choice(("organized", "hosted", "coordinated", "prepared"))
    return title, f"{subject} will be {verb} by the {who}{when_text}.{fund}"


def shape_brief(g: Gen, want: int, with_period: bool) -> Doc:
    """A short prose plan: Roman areas, a convening paragraph and numbered issues."""
    rng, acr, doc = g.rng, g.acr, Doc()
    theme = rng.choice(("New Challenges and Threats", "Combating Transnational Threats",
                        "Countering Organised Crime and Terrorism", "Security and Law Enforcement Cooperation"))
    period = f"\n\n{g.y1}-{g.y2}" if with_period else ""
    doc.add(f"\n\nACTION PLAN\n\nfor Cooperation among {acr} Member States in {theme}{period}")
    doc.add("Introduction", 0)
    doc.add(f"The activities identified in the Action Plan reflect the outcome of the Experts Meeting held in "
            f"{rng.choice(CITIES)} on {rng.randint(1, 27)} {rng.choice(MONTHS)} {g.y1 - 1} and do not cover the "
            f"entire set of new threats and challenges to the security of the {acr} Member States. "
            f"{g.say('intro')}")
    doc.add(f"The implementation of activities outlined in this Action Plan will be reviewed every year by the "
            f"{acr} Senior Officials Committee and the Special Working Group.")
    areas = max(1, min(7, round((want - 3) / rng.uniform(3.5, 5.5))))
    for k, count in enumerate(_split(rng, want - 3, areas)):
        topic = g.topics[k % len(g.topics)]
        doc.add(f"{('I', 'II', 'III', 'IV', 'V', 'VI', 'VII')[k]}. {cap(topic.key)}", 0)
        if count == 1:  # an area without issues: one long paragraph
            doc.add(f"Convening an experts meeting on {topic.key}, if deemed necessary, with possible participation "
                    f"of relevant international organizations such as {g.slot('intl')}, for discussing the merits "
                    f"of drawing up a template for the voluntary sharing of information among the Member States, "
                    f"including the content of the information and the modalities for its dissemination subject to "
                    f"the approval of the concerned Member States.")
            continue
        issues = count - 2
        if rng.random() < 0.5:
            doc.add(f"Convening {article(acr)} meeting of national experts on {topic.key}, with the participation "
                    f"of representatives from appropriate international bodies agreed upon by Member States.")
            doc.add("Issues for possible consideration and approval by Member States:")
        else:  # the heading, the convening sentence and the lead-in read as one paragraph
            who = rng.choice(("Chiefs of Police", "Heads of Services", "senior experts"))
            doc.add(f"Convening {article(acr)} {who} meeting on {topic.key}. Issues for possible consideration:")
            issues += 1
        if issues < 1:
            continue
        lines = [f"{i}. {g.say('issue', **g.about(topic))}" for i in range(1, issues)]
        lines.append(f"{issues}. The possible role of the {acr} Secretariat in the above.")
        doc.add("\n".join(lines), issues, issues)
    return doc


def shape_measures(g: Gen, want: int, with_period: bool) -> Doc:
    """Markdown parts 1) to 6), lettered priority areas, numbered measures."""
    rng, acr, doc = g.rng, g.acr, Doc()
    theme = rng.choice(("Combating Transnational Organized Crimes", "Combating Organised Crime and Illicit "
                        "Trafficking", "Countering Transnational Organized Crime"))
    years = f" {g.y1}-{g.y2}" if with_period else ""
    words = f"{acr} PLAN OF ACTION ON {theme.upper()}".split()
    a, b = len(words) // 3, 2 * len(words) // 3  # three banner lines, as in the real plan (a 4th would join)
    doc.add(f"\n\n## {acr} Plan of Action on {theme}{years}\n\n**{' '.join(words[:a])}  \n"
            f"{' '.join(words[a:b])}  \n{' '.join(words[b:])}**\n\n-")
    # title, intro 3, overview 2, general objective, specific lead-in, priority lead-in, part 5 lead-in, part 6
    fixed = 1 + 3 + 2 + 1 + 1 + 1 + 1 + 1
    budget = max(6, want - fixed)
    areas = max(1, min(6, round(budget / rng.uniform(9, 14))))
    parts = [rng.randint(3, 6), rng.randint(4, 8), rng.randint(2, 3)]  # objectives, part 5, part 6 items
    while sum(parts) + 3 * areas > budget:
        if areas > 1:
            areas -= 1
        else:
            parts[parts.index(max(parts))] -= 1
    specific, part5, part6 = parts
    doc.add("## 1) INTRODUCTION", 0)
    _paras(g, doc, "intro", 3, lo=3, hi=5)
    doc.add("## 2) GENERAL OVERVIEW OF TRANSNATIONAL ORGANIZED CRIME AND TERRORISM", 0)
    _paras(g, doc, "trend", 2, lo=3, hi=5)
    doc.add("### **3) OBJECTIVES**", 0)
    doc.add(f"#### **a) General Objective**\n\nThe general objective of the Action Plan is to encourage {acr} Member "
            f"States to expand their efforts in combating transnational crimes at the national and bilateral levels "
            f"to the regional level.")
    doc.add(f"#### **b) Specific Objective**\n\nThe specific objectives of the Plan of Action are to urge the {acr} "
            f"Member States to:")
    objectives = ("Develop a more cohesive regional strategy aimed at preventing and controlling organized crime",
                  "Foster regional cooperation at the investigative, prosecutorial and judicial level",
                  f"Enhance coordination among {acr} focal points dealing with transnational organized crime",
                  "Strengthen regional capacities to deal with the sophisticated nature of transnational crime",
                  "Encourage arrangements on mutual legal assistance and extradition among the Member States",
                  "Examine the impact of transnational organized crime on the socio-economic situation")
    doc.add("\n".join(f"{i + 1}. {o};" for i, o in enumerate(objectives[:specific])), specific, specific)
    doc.add("#### 4) **PRIORITY AREAS**\n\nThe Action Plan will focus interventions on specific priority areas "
            "listed below.")
    for k, count in enumerate(_split(rng, budget - specific - part5 - part6, areas, 3)):
        topic = g.topics[k % len(g.topics)]
        doc.add(f"##### {'abcdef'[k]}) **{cap(topic.key)}**", 0)
        paras = 1 if count < 5 else 2
        _paras(g, doc, "trend", paras - 1, lo=3, hi=5)
        lead = (f"{cap(topic.key)} remains a serious threat to the security of the {acr} region and requires "
                f"coordinated action." if topic.threat else f"{cap(topic.key)} is a condition of effective "
                f"cooperation against organised crime in the {acr} region.")
        doc.add(f"{lead} As a result, {acr} Member States should take the following measures on {topic.key}:")
        doc.add("\n".join(f"{i + 1}. {g.say('measure', **g.about(topic))}" for i in range(count - paras)),
                count - paras, count - paras)
    doc.add("## **5) THE MEASURES ADDRESSING ALL KINDS OF TRANSNATIONAL ORGANIZED CRIMES**\n\nMember States offer "
            "the following as the areas of cooperation to fight against Transnational Organized Crimes;")
    doc.add("\n".join(f"{i + 1}. {g.say('measure', **g.about(g.topic()))}" for i in range(part5)), part5, part5)
    doc.add("## **6) IMPLEMENTATION MECHANISM**", 0)
    doc.add(f"The implementation of this Plan of Action shall be the responsibility of the Steering Committee "
            f"comprising the {acr} Coordinating Countries ({g.slot('c')}, {g.slot('c2')} and {g.slot('c2')}), the "
            f"{acr} Secretariat and other volunteer members. This Steering Committee will meet once a year prior "
            f"to the Ministerial Meeting.")
    closing = ("A Working Group may be established for the implementation of this Plan of Action.",
               "The Parties shall take the required policies to implement this Plan of Action.",
               "Each Party may take into consideration formal requests by the other Party for funding specific "
               "activities that fall within the priorities laid out in this Plan of Action.")
    doc.add("\n".join(f"{i + 1}. {c}" for i, c in enumerate(closing[:part6])), part6, part6)
    return doc


HEADER = "NEED ADDRESSED\tACTION\tEXPECTED OUTPUTS\tDRIVER (S)\tSTATUS / TIMELINE\tFUNDING"


def shape_table(g: Gen, want: int) -> Doc:
    """Front matter, glossaries, then the table of needs and actions with its page breaks."""
    rng, acr, doc = g.rng, g.acr, Doc()
    org = g.org
    initiative = org.name[len(org.region) + 1:]
    period = f"{g.y1}-{g.y2}"
    lead = rng.choice(("Secretariat of the Police Cooperation Convention", f"{acr} Secretariat",
                       "Regional Law Enforcement Centre"))
    doc.add(f"\n\n\n{org.region}\n{initiative}\n\nINTEGRATIVE PLAN OF ACTION\n\n{period}\n\n{acr} Lead Partner:\n\n"
            f"{lead}\n\n{acr} Integrative Plan of Action {period} offers coordinated support of the international "
            f"community to the {org.region} Beneficiaries in response to serious crime threats\n\n"
            f"With the support of the {rng.choice(DONORS)}\n\nPrepared by the {acr} Support Group")
    doc.add("List of Country Codes")
    doc.glossary([f"{CODES[c]}\t{c}" for c in sorted(g.countries)])
    doc.add("Acronyms and Abbreviations")
    entries = {acr: org.name, f"{acr} SG": f"{acr} Support Group", "FIU": "Financial Intelligence Unit",
               "iPA": "Integrative Plan of Action", "JIT": "Joint Investigation Team", "MoI": "Ministry of Interior",
               "PPO": "Public Prosecutors Office", "THB": "Trafficking in Human Beings",
               "SALW": "Small Arms and Light Weapons", "UNODC": "United Nations Office on Drugs and Crime",
               "CEPOL": "European Union Agency for Law Enforcement Training",
               "Europol": "European Union Agency for Law Enforcement Cooperation",
               "ICMPD": "International Centre for Migration Policy Development",
               "OSCE": "Organization for Security and Co-operation in Europe",
               "IOM": "International Organization for Migration", "NCP": "National Contact Point",
               "ILP": "Intelligence-led policing", "LE": "Law Enforcement", "EU MS": "European Union Member States"}
    lines = [f"{k}\t{v}" for k, v in sorted(entries.items(), key=lambda kv: kv[0].lower())]
    # a long first entry would make "Acronyms and Abbreviations" read as a heading: a short one goes first
    lines.insert(0, lines.pop(next(i for i, ln in enumerate(lines) if len(ln) < 50)))
    doc.glossary(lines)
    doc.add(org.name)
    doc.add(f"Integrative Plan of Action ({acr} iPA) {period}")
    fixed = doc.sections + 4 + 1  # four lists below, the paragraph introducing the table
    front = max(fixed + 11, round(want * rng.uniform(0.36, 0.46)))
    rows = max(8, want - front)
    paras = _split(rng, front - fixed, 11)  # paragraphs of each sub-part below (the last: after the table)
    doc.add("I. Introduction", 0)
    _paras(g, doc, "intro", paras[0] + paras[1], lo=3, hi=5)
    doc.add("II. Methodology", 0)
    doc.add("a) Needs Assessment", 0)
    _paras(g, doc, "method", paras[2], lo=3, hi=5)
    topics = g.topics
    doc.add(f"The list of {len(topics)} priority needs of the {acr} iPA {period} was agreed at the "
            f"{rng.choice(CITIES)} meeting, fully considering also written contributions of the Beneficiaries:\n"
            + "\n".join(f"- {t.needs[0]}" for t in topics))
    _paras(g, doc, "method", paras[3], lo=3, hi=5)
    doc.add("b) Prioritisation", 0)
    _paras(g, doc, "method", paras[4], lo=3, hi=5)
    doc.add(f"The consultations resulted in the following {acr} iPA {period} priorities:\n"
            + "\n".join(f"- To {g.expand(rng.choice(GRAMMAR['vp']), **g.about(t))};"
                        for t in rng.sample(topics, min(5, len(topics)))))
    doc.add("c) Cross-cutting security threats", 0)
    doc.add(f"{acr} Partners have identified the following cross-cutting fields of action:\n"
            + "\n".join(f"- *{cap(t.key)}*" for t in rng.sample(topics, 3)))
    _paras(g, doc, "trend", paras[5], lo=3, hi=5)
    doc.add("d) Planning of activities", 0)
    _paras(g, doc, "method", paras[6], lo=3, hi=5)
    doc.add("e) Funding", 0)
    _paras(g, doc, "funding", paras[7], lo=3, hi=5)
    doc.add("f) Communication with Beneficiaries, partners and donors", 0)
    doc.add("Communication with Beneficiaries, partners and external donors is ensured by the following concept:\n"
            f"- {acr} Partners communicate via designated contact points on a regular or ad hoc basis during the "
            "planning, implementation and evaluation of their actions;\n- Beneficiaries have designated contact "
            "points to enhance communication;\n- Donors meet at the regional donor coordination events, where the "
            "presence of the Lead Partner is encouraged.")
    _paras(g, doc, "scope", paras[8], lo=3, hi=5)
    doc.add("g) Monitoring and Evaluation, including Reporting", 0)
    _paras(g, doc, "monitor", paras[9], lo=3, hi=5)
    doc.add("h) Identified Needs translated into Objectives and Actions", 0)
    doc.add(f"The below clusters of actions are based on the list of needs agreed at the Strategic {acr} Preparation "
            f"meeting and later complemented during regular consultation with all partners and Beneficiaries. They "
            f"are to be transformed into more detailed activities feeding into the objectives identified.")
    table, n_rows, n_actions = _table(g, rows)
    doc.add(table, n_rows, n_actions)
    doc.add("i) Regional scopes of engagement", 0)
    _paras(g, doc, "scope", paras[10], lo=3, hi=5)
    return doc


def _outputs(g: Gen, topic: Topic, n: int) -> list[str]:
    """``n`` different EXPECTED OUTPUTS items about ``topic``."""
    items = list(dict.fromkeys(g.rng.sample(topic.outputs, min(2, n)) + [
        g.expand(g.rng.choice(GRAMMAR["output"]), **g.about(topic)) for _ in range(n)]))
    return items[:n]


def _table(g: Gen, rows: int) -> tuple[str, int, int]:
    """The table: ``rows`` lines (one section each), with header repeats at page breaks."""
    rng = g.rng
    footnote = rows > 20 and rng.random() < 0.4  # a footnote between two pages: a paragraph of its own
    rows = max(rows - footnote, 2)
    needs = max(1, min(len(g.topics), round(rows / rng.uniform(6, 11))))
    out: list[str] = [HEADER]
    n_rows = n_actions = 0
    since_break, page = 0, rng.randint(2, 4)
    for n, count in enumerate(_split(rng, rows, needs, 2), start=1):
        topic = g.topics[n - 1]
        need = f"{n} {rng.choice(topic.needs)}"
        k, left = 0, count
        titles = rng.sample(topic.titles + GENERIC_TITLES, len(topic.titles + GENERIC_TITLES))
        while left > 0:
            kind = "action" if k == 0 or left == 1 else rng.choices(("action", "driver", "cont"), (6, 2, 1))[0]
            if kind == "cont" and since_break != 0:  # only a row cut by a page break goes on after it
                kind = "action"
            outputs = _outputs(g, topic, rng.randint(2, 7))
            if kind == "cont":
                cont = rng.choice(("and follow-up national workshops", "in close cooperation with the national "
                                   "contact points", "incl. the exchange of experience between the Beneficiaries"))
                out.append(f"\t\t<p>{cont};</p> {_ul(outputs)}\t\t\t")
                n_rows, left = n_rows + 1, left - 1
            else:
                if kind == "action":  # a new action number; "driver": another driver of the same action
                    k += 1
                    title = titles[(k - 1) % len(titles)]
                    head = f"{need}\t{n}.{k} {title}" if k == 1 else f"\t{n}.{k} {title}"
                    if k > 1 and rng.random() < 0.2:  # the number slipped into the NEED column, as in the PDF
                        head = f"{n}.{k} {title}\t"
                else:
                    head = "\t"
                drivers = list(dict.fromkeys(g.driver(topic) for _ in range(rng.choice((1, 1, 1, 2)))))
                if len(drivers) > 1 and len(outputs) == 2:  # two drivers, two outputs: the parser would pair
                    outputs.append(g.expand(GRAMMAR["output"][0], **g.about(topic)))  # them up (parts a, b)
                for d in drivers:
                    g.note_driver(d)
                drv = " ".join(f"<p>{d}</p>" for d in drivers) if rng.random() < 0.5 else ", ".join(drivers)
                fund, tl = g.funding(), g.timeline()
                if kind == "action" and len(g.facts.numbered) < 4 and rng.random() < 0.3:
                    g.facts.numbered.append({"number": f"{n}.{k}", "drivers": drivers, "title": title})
                out.append(f"{head}\t{_ul(outputs)}\t{drv}\t{tl}\t{fund}")
                n_rows, n_actions, left = n_rows + 1, n_actions + 1, left - 1
            since_break += 1
            if since_break >= page and (left > 0 or n < needs):
                if footnote:
                    out.append(f"\n{_footnote(g)}")
                    n_rows, footnote = n_rows + 1, False
                out.append(f"\n{HEADER}")
                since_break, page = 0, rng.randint(2, 4)
    if footnote:  # no page break to hold it: after the table, read as a one-item list
        out.append(f"\n{_footnote(g)}")
        n_rows += 1
    return "\n".join(out), n_rows, n_actions


def _ul(items: list[str]) -> str:
    """An EXPECTED OUTPUTS cell as the PDF flattening left it: a <ul> with dash bullets."""
    return '<ul style="list-style-type: none"> - ' + " - ".join(o + ";" for o in items[:-1]) + f" - {items[-1]}"


def _footnote(g: Gen) -> str:
    return (f"* Officers of {g.country()} may attend these courses on the basis of a working arrangement with "
            f"{g.slot('intl')}; their participation may be funded by the partner concerned.")


# -- names, files, the corpus ------------------------------------------------------------------------------
class Registry:
    """Organisations and their acronyms: unique, fictional, none of them a real body's."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.orgs: dict[str, list[Org]] = {s: [] for s in SHAPES}

    def org_for(self, rng: random.Random, shape: str, length: int, need_period: bool) -> tuple[Org, bool]:
        """(organisation, with a period) for a new plan of ``length`` years; an organisation's plans never
        share a year, so naming it with the years singles a plan out."""
        reuse = [o for o in self.orgs[shape] if not o.closed and o.next_year + length <= YEARS[1]]
        if reuse and rng.random() < 0.35:
            return rng.choice(reuse), True
        for _ in range(400):
            region = f"{rng.choice(PREFIXES)} {rng.choice(BASES)}".strip()
            body, letters = rng.choice(BODIES[shape])
            acr = initials(region) + letters
            if acr in self.used or acr.upper() in REAL_ACRONYMS or not 3 <= sum(c.isupper() for c in acr) <= 6:
                continue
            self.used.add(acr)
            org = Org(acr, f"{region} {body}", region, rng.randint(YEARS[0], 2024))
            self.orgs[shape].append(org)
            with_period = need_period or rng.random() < 0.5
            org.closed = not with_period
            return org, with_period
        if reuse:
            return rng.choice(reuse), True
        raise RuntimeError(f"no new {shape} organisation name left")


SHAPE_FN: dict[str, Callable[..., Doc]] = {
    "directions": shape_directions, "headed": shape_headed, "brief": shape_brief, "measures": shape_measures,
    "table": shape_table}
SLUG = {"directions": "plan-of-action", "headed": "working-group-plan", "brief": "action-plan",
        "measures": "plan-of-action-organized-crime", "table": "integrative-plan-of-action"}


def _write_plan(out: Path, index: int, shape: str, want: int, seed: int, reg: Registry) -> dict:
    """Write plan number ``index`` of about ``want`` sections; its manifest entry."""
    rng = random.Random(f"synth:{seed}:{index}")
    length = {"directions": 2, "headed": rng.choice((0, 0, 1)), "brief": 2, "measures": 4, "table": 2}[shape]
    org, with_period = reg.org_for(rng, shape, length, shape in ("directions", "headed", "table"))
    y1 = org.next_year
    org.next_year = y1 + length + rng.randint(1, 3)
    g = Gen(rng, shape, org, (y1, y1 + length))
    if shape == "directions" and rng.random() < 0.5:  # July to June, as the real one runs
        g.first, g.last = date(y1, 7, 1), date(y1 + length, 6, 30)
    doc = SHAPE_FN[shape](g, want, with_period) if shape in ("brief", "measures") else SHAPE_FN[shape](g, want)
    years = (f"{y1}-{y1 + length}" if length else f"{y1}") if with_period else ""
    name = f"{index:05d}-{org.acr.lower()}-{SLUG[shape]}{'-' + years if years else ''}.txt"
    data = doc.text().encode("utf-8")
    (out / name).write_bytes(data)
    period = [g.first.isoformat(), g.last.isoformat()] if with_period else None
    return {"file": name, "shape": shape, "sections": doc.sections, "actions": doc.actions, "bytes": len(data),
            "org": org.acr, "org_name": org.name, "years": years, "period": period,
            "topics": g.facts.topics, "numbered": g.facts.numbered, "drivers": g.facts.drivers,
            "funding": g.facts.funding, "due": sorted(g.facts.due)}


def manifest_path(out: Path) -> Path:
    """Where ``generate`` writes the manifest: next to the corpus folder, not inside it."""
    return out.parent / f"{out.name}.manifest.json"


def generate(out: Path, scale: float, seed: int = 0) -> dict:
    """Write synthetic plans into ``out`` until about ``round(scale * 307)`` sections (the shapes mixed in the
    real corpus's proportions of sections); return the manifest, also written to ``manifest_path(out)``:
    ``files`` (one entry per plan: shape, estimated sections and actions, organisation, years, period, topics,
    sample numbered actions with drivers, drivers, funding counts, due dates), ``shapes`` (files, sections,
    actions per shape), ``target_sections``, ``estimated_sections``, ``estimated_actions``, ``bytes``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    others = [p.name for p in out.iterdir() if not FILE_RE.match(p.name)]
    if others:
        raise ValueError(f"{out} holds files that are not synthetic plans ({others[:3]}); use an empty folder.")
    for p in out.iterdir():
        p.unlink()
    t0 = time.perf_counter()
    target = max(1, round(scale * REAL_SECTIONS))
    goal = {s: SHARE[s] * target / REAL_SECTIONS for s in SHAPES}
    made = dict.fromkeys(SHAPES, 0)
    rng = random.Random(f"synth:{seed}:sizes")
    reg = Registry()
    files: list[dict] = []
    while True:
        behind = [s for s in SHAPES if goal[s] - made[s] >= MIN_SIZE[s] / 2]
        if not behind:
            if files:
                break
            behind = list(SHAPES)
        shape = max(behind, key=lambda s: goal[s] - made[s])
        deficit = round(goal[shape] - made[shape])
        lo, hi = SIZES[shape]
        want = rng.randint(lo, hi)
        if deficit - want < lo:  # the last plan of this shape takes what is left
            want = deficit
        entry = _write_plan(out, len(files) + 1, shape, max(MIN_SIZE[shape], want), seed, reg)
        files.append(entry)
        made[shape] += entry["sections"]
    shapes = {s: {"files": sum(f["shape"] == s for f in files), "sections": made[s],
                  "actions": sum(f["actions"] for f in files if f["shape"] == s)} for s in SHAPES}
    manifest = {"scale": scale, "seed": seed, "target_sections": target, "files": files, "shapes": shapes,
                "estimated_sections": sum(made.values()), "estimated_actions": sum(f["actions"] for f in files),
                "bytes": sum(f["bytes"] for f in files), "seconds": round(time.perf_counter() - t0, 2)}
    manifest_path(out).write_text(json.dumps(manifest, indent=1))
    return manifest


# -- questions ---------------------------------------------------------------------------------------------
OFF_TOPIC = ("What is the capital of Peru?", "Who won the last football world cup?",
             "How do I bake a sourdough loaf?", "What will the weather be like in Lisbon tomorrow?",
             "Can you recommend a good laptop for video editing?", "How tall is Mount Kilimanjaro?",
             "What is the best recipe for lemon cheesecake?", "Who painted the Mona Lisa?")


def _name(f: dict, rng: random.Random) -> str:
    """How a user names a plan: its organisation and, when it has them, its years."""
    if not f["years"]:
        return rng.choice((f"the {f['org']} plan", f"the {f['org']} action plan"))
    return rng.choice((f"the {f['org']} {f['years']} plan", f"the {f['org']} plan for {f['years']}",
                       f"the {f['years']} {f['org']} plan"))


def questions(manifest: dict, per_route: int = 5, seed: int = 0) -> list[dict]:
    """Benchmark questions about the generated plans, ``per_route`` of each kind (fewer when the corpus has too
    little to ask about): by_number, driver_list, funding_list, deadline, topic, cross_plan, refusal. Each is
    ``{"question", "as_of", "kind", "expect"}``; ``expect`` lists strings a good answer contains (the driver of a
    by_number question, the driver of a driver_list one), empty when the manifest cannot say."""
    rng = random.Random(f"questions:{seed}")
    files = manifest["files"]
    out: list[dict] = []

    def add(kind: str, question: str, as_of: str | None = None, expect: list[str] | None = None) -> None:
        out.append({"question": question, "as_of": as_of, "kind": kind, "expect": expect or []})

    numbered = [(f, a) for f in files for a in f["numbered"]]
    for f, a in rng.sample(numbered, min(per_route, len(numbered))):
        plan = _name(f, rng)
        add("by_number", rng.choice((f"Who drives action {a['number']} of {plan}?",
                                     f"In {plan}, who is responsible for {a['number']}?",
                                     f"Who is in charge of action {a['number']} in {plan}?",
                                     f"Which organisation leads {a['number']} under {plan}?")), None, [a["drivers"][0]])
    drivers = sorted({d for f in files for d in f["drivers"]})
    for d in rng.sample(drivers, min(per_route, len(drivers))):
        add("driver_list", rng.choice((f"What does the {d} lead?", f"Which actions is the {d} responsible for?",
                                       f"List the actions the {d} runs.", f"What is the {d} in charge of?")), None,
            [d])
    seeking = [f for f in files if f["funding"]["seeking"]]
    for f in rng.sample(seeking, min(per_route, len(seeking))):
        plan = _name(f, rng)
        add("funding_list", rng.choice((f"Which actions of {plan} are still seeking funding?",
                                        f"What in {plan} is still looking for funding?",
                                        f"Which activities in {plan} are not yet funded?",
                                        f"List what is seeking funding under {plan}.")))
    dated = [(f, d) for f in files for d in f["due"] if f["period"]]
    for f, d in rng.sample(dated, min(per_route, len(dated))):
        due = date.fromisoformat(d)
        as_of = max(date.fromordinal(due.toordinal() - rng.randint(5, 45)), date.fromisoformat(f["period"][0]))
        add("deadline", rng.choice(("What is due in the next 60 days?", "Which deadlines fall in the next two months?",
                                    f"What is coming up in the next 60 days under {_name(f, rng)}?",
                                    f"What in {_name(f, rng)} is due in the next 8 weeks?")), as_of.isoformat())
    topical = [(f, t) for f in files for t in f["topics"]]
    for f, t in rng.sample(topical, min(per_route, len(topical))):
        plan = _name(f, rng)
        add("topic", rng.choice((f"What does {plan} say about {t}?", f"How does {plan} deal with {t}?",
                                 f"Is there anything in {plan} on {t}?")))
    topics = sorted({t for f in files for t in f["topics"]})
    for t in rng.sample(topics, min(per_route, len(topics))):
        add("cross_plan", rng.choice((f"Which plans address {t}?", f"Which of the plans mention {t}, and what do "
                                      "they propose?", f"Compare how the plans handle {t}.")))
    for q in rng.sample(OFF_TOPIC, min(per_route, len(OFF_TOPIC))):
        add("refusal", q)
    return out


# -- incremental changes -----------------------------------------------------------------------------------
def mutate(folder: Path, fraction: float = 0.01, seed: int = 0) -> list[str]:
    """Edit ``fraction`` of the plans in ``folder`` (at least one): append a dated paragraph, or rewrite the first
    sentence of a prose paragraph. Returns the names of the files changed, sorted."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix == ".txt")
    if not files:
        raise ValueError(f"{folder} holds no plan files")
    rng = random.Random(f"mutate:{seed}:{fraction}")
    chosen = rng.sample(files, max(1, min(len(files), round(fraction * len(files)))))
    for p in chosen:
        text = p.read_text(encoding="utf-8")
        acr = p.name.split("-")[1].upper() if p.name.count("-") >= 2 else "Board"
        years = [int(y) for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", p.name)] or [2020, 2022]
        g = Gen(rng, "edit", Org(acr, f"{acr} Council", "the region", years[0]), (years[0], years[-1]))
        lines = text.split("\n")
        prose = [i for i, ln in enumerate(lines)
                 if len(ln) > 200 and "\t" not in ln and ln[:1].isalpha() and ". " in ln]
        new = text
        if prose and rng.random() < 0.5:
            i = rng.choice(prose)
            lines[i] = f"{g.say('addendum')} {lines[i].split('. ', 1)[1]}"
            new = "\n".join(lines)
        if new == text:
            new = f"{text.rstrip()}\n\n{g.say('addendum')}\n"
        p.write_text(new, encoding="utf-8")
    return sorted(p.name for p in chosen)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Write a synthetic corpus of plans of action.")
    ap.add_argument("--out", type=Path, required=True, help="folder for the plan files (created; emptied)")
    ap.add_argument("--scale", type=float, default=1.0, help="times the real corpus's 307 sections")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    m = generate(args.out, args.scale, args.seed)
    print(f"{len(m['files'])} files, {m['bytes'] / 2**20:.1f} MB, ~{m['estimated_sections']} sections "
          f"(target {m['target_sections']}), ~{m['estimated_actions']} actions; {time.perf_counter() - t0:.1f} s; "
          f"manifest {manifest_path(args.out)}")


if __name__ == "__main__":
    sys.exit(main())
