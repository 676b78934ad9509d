"""Retrieval quality of the product's search: nDCG@10 and recall@100 for keyword, dense and hybrid.

There is no internet here, so the labelled set is generated, deterministically (fixed seeds),
as the evidence library of one bidder, "Northgate Services", a facilities, environmental, care,
housing and digital group. About 3,400 passages of 40-80 words, one chunk each, so a qrel names
exactly one chunk:

- 1,500 **case studies**, one per (client, outcome topic): a client (``{town} {sector suffix}``,
  e.g. "Rotherham Borough Council", "Rotherham NHS Foundation Trust"), a contract reference, a
  lead person, one sentence stating an outcome of one of 30 topics ("Missed bin collections fell
  from 96 to 31 per 100,000 lifts …") and delivery sentences shared by all case studies.
- a **contract summary** per contract the case studies quote (reference, client, value, term,
  KPI names), 400 **CVs** (name, role, qualifications, clients led), 360 **certificates**
  (standard, certificate number, body, scope, dates) and 60 **policies** (the current and the
  superseded policy for each topic: reference, version, the topic in the evidence's words).

240 questions, 60 per class:

- **identifier**: a contract reference, certificate number, policy reference or person's name
  ("Certificate FS 612345: scope and expiry"). The source passage is grade 2; case studies
  quoting the same contract or led by the person are grade 1. Keyword matching should shine.
- **plain**: a topic in the evidence's own words, as a tender would put it ("Describe your
  results on missed bin collections for a local authority"). The topic's case studies are
  relevant: grade 2 in the sector asked about, grade 1 in others; policies and contract KPIs
  using the same words are not evidence of results and are not graded.
- **paraphrase**: the same, but the topic in words that do not occur in the topic's sentences
  ("cutting the number of skipped refuse pickups"). The dense embedding should shine.
- **mixed**: a named client plus a paraphrased topic. That client's case study on the topic is
  grade 2; the topic's other case studies and the summary of the contract it was delivered
  under are grade 1.

Distractors come with the construction: the same client in other case studies, contracts and
CVs; the same topic's words in policies and contract KPIs; shared template wording everywhere.
The script prints, per class, how many of a question's lexemes occur in its grade-2 passage,
so the paraphrase claim is measured rather than asserted.

Search runs through ``documents.search.chunk_search`` (k = 100) in a throwaway database, with
real MiniLM embeddings. nDCG uses linear gains (the grade) against the ideal ordering of all
qrels; recall@100 counts passages of grade >= 1. The keyword leg is checked against ``bm25s``
(Lucene BM25, k1 = 1.2, b = 0.75) over the same Postgres lexemes.

Fusions are compared on the product's own candidate pools (``documents.ranking.candidates``: each
leg's 100 best, every candidate scored by both legs), ranked offline: the blend at dense weights
0-1 in steps of 0.05, reciprocal rank fusion (k = 60) of the legs' own rankings, and the fusion
the blend replaced (each leg scaled over its own finds, a passage a leg missed getting nothing
from it, 0.7/0.3). The questions are halved at random within each class; the weight is chosen on
one half and judged on the other, both ways round, so no reported figure is the one tuned.

Targets: keyword within 0.01 nDCG@10 of bm25s; the product's hybrid above the better single leg;
the blend tuned on one half above both legs on the other, both ways. Exits 1 when one is missed.

Last run (nDCG@10 / recall@100), each blend judged on the half it was not tuned on:

    held out          keyword       dense         blend         RRF           previous
    fold A (w 0.70)   0.371/0.458   0.457/0.541   0.492/0.592   0.414/0.600   0.505/0.619
    fold B (w 0.80)   0.356/0.460   0.459/0.541   0.487/0.587   0.407/0.607   0.481/0.626
    all 240           0.364/0.459   0.458/0.541   see below     0.410/0.604   0.493/0.623

Over all 240 questions the blend scores 0.492 at 0.70 (both halves' curves) and 0.451/0.563 at
0.50, where that run's product still was: below dense alone, so that target was missed then.
Both halves chose a dense weight in the plateau 0.70-0.95 (0.5 scores 0.45, below dense alone);
the product uses 0.70, its keyword-heavier end (see ``documents.ranking.DENSE_WEIGHT``). RRF ranks
below dense alone here: it counts a leg that is blind for a question (keywords on paraphrases) as
much as the one that sees. The blend and the previous fusion tie on this set (within 0.015 either
way); the blend scores what the previous fusion dropped, which the outside measure on a public
scientific-claims set rewarded.

    .venv/bin/python bench/quality.py [--questions 240] [--case-studies 1500]
"""

import argparse
import logging
import math
import os
import random
import sys
import time
import uuid
from collections import Counter
from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")
os.environ.setdefault("DEBUG", "true")

SEED = 20240611
K, DEPTH = 10, 100
ORACLE_TOLERANCE = 0.01
RRF_K = 60
WEIGHTS = [round(0.05 * n, 2) for n in range(21)]  # dense weights tried for the blend
MODES = ("keyword", "dense", "hybrid")
CLASSES = ("identifier", "plain", "paraphrase", "mixed")
DIVISIONS = {
    "environment": "Northgate Environmental Ltd", "facilities": "Northgate Facilities Ltd",
    "care": "Northgate Care Ltd", "housing": "Northgate Property Services Ltd",
    "digital": "Northgate Digital Ltd", "group": "Northgate Services Group plc",
}  # fmt: skip

# Sector -> client name suffixes, and how a question refers to the sector without naming it.
SECTORS: dict[str, tuple[list[str], list[str]]] = {
    "local": (["Borough Council", "City Council", "County Council", "District Council"],
              ["a local authority", "local government"]),
    "health": (["NHS Foundation Trust", "Hospitals NHS Trust", "Community Health Services"],
               ["a hospital", "the health service"]),
    "housing": (["Homes", "Housing Association", "Housing Group"],
                ["a social landlord", "a registered provider of social housing"]),
    "education": (["University", "College", "Academy Trust"],
                  ["a university or college", "the education sector"]),
    "blue": (["Police", "Fire and Rescue Service"],
             ["the emergency services", "a blue-light organisation"]),
}  # fmt: skip
ALL = tuple(SECTORS)

TOWNS = [
    "Rotherham", "Calderdale", "Barnsley", "Wakefield", "Kirklees", "Doncaster", "Gateshead",
    "Sunderland", "Stockton", "Darlington", "Hartlepool", "Middlesbrough", "Redcar", "Durham",
    "Carlisle", "Kendal", "Lancaster", "Preston", "Blackburn", "Burnley", "Bolton", "Wigan",
    "Salford", "Trafford", "Stockport", "Oldham", "Rochdale", "Tameside", "Warrington",
    "Halton", "Wirral", "Sefton", "Knowsley", "Chester", "Crewe", "Macclesfield", "Stoke",
    "Stafford", "Telford", "Shrewsbury", "Hereford", "Worcester", "Redditch", "Solihull",
    "Walsall", "Dudley", "Sandwell", "Coventry", "Nuneaton", "Rugby", "Leicester",
    "Loughborough", "Derby", "Chesterfield", "Mansfield", "Nottingham", "Lincoln", "Grimsby",
    "Scunthorpe", "Boston", "Peterborough", "Cambridge", "Ipswich", "Norwich", "Colchester",
    "Chelmsford", "Basildon", "Southend", "Harlow", "Luton", "Bedford", "Northampton",
    "Kettering", "Corby", "Milton-Keynes", "Aylesbury", "Oxford", "Swindon", "Reading",
    "Slough", "Guildford", "Woking", "Crawley", "Brighton", "Worthing", "Eastbourne",
    "Hastings", "Maidstone", "Canterbury", "Dover", "Medway", "Portsmouth", "Southampton",
    "Winchester", "Salisbury", "Bournemouth", "Poole", "Exeter", "Plymouth", "Torbay", "Truro",
    "Taunton", "Yeovil", "Gloucester", "Cheltenham", "Bristol", "Bath", "Newport", "Cardiff",
    "Swansea", "Wrexham"
]  # fmt: skip

FIRST = [
    "Priya", "Tomasz", "Aisha", "Gareth", "Niamh", "Olumide", "Fiona", "Declan", "Mei", "Rhys",
    "Sunita", "Callum", "Ewa", "Marcus", "Leanne", "Hamza", "Bethany", "Kwame", "Siobhan",
    "Dev", "Imogen", "Ravi", "Catriona", "Tariq", "Lowri", "Arjun", "Hollie", "Femi", "Ailsa",
    "Stefan", "Nadia", "Owain", "Chloe", "Ibrahim", "Rosalind", "Jakub", "Yasmin", "Fraser",
    "Amara", "Connor", "Freya", "Vikram", "Shona", "Emeka", "Harriet", "Lukasz", "Zara", "Ewan",
    "Grace", "Rashid", "Morag", "Tobias", "Keeley", "Adebayo", "Isla", "Dominic", "Parveen",
    "Alistair", "Ngozi", "Bryony"
]  # fmt: skip
LAST = [
    "Okafor", "Kowalski", "Rahman", "Pritchard", "Doherty", "Adeyemi", "MacLeod", "Brennan",
    "Zhang", "Llewellyn", "Chaudhry", "Fairbairn", "Nowak", "Whitfield", "Ashworth", "Qureshi",
    "Pennington", "Mensah", "Gallagher", "Patel", "Thistlewood", "Sharma", "Munro", "Haddad",
    "Pryce", "Malhotra", "Ormerod", "Balogun", "Cranston", "Wisniewski", "Farouk", "Gwynne",
    "Hargreaves", "Siddiqui", "Lockhart", "Zielinski", "Begum", "Sinclair", "Asante",
    "Kilbride", "Ferreira", "Nair", "Buchanan", "Eze", "Templeton", "Mazur", "Hussain",
    "Rowntree", "Obi", "Lindqvist", "Dunmore", "Kaur", "Ravenscroft", "Osei", "Fitzgerald",
    "Varga", "Iqbal", "Mortimer", "Adebayo", "Strachan"
]  # fmt: skip

CV_ROLES = [
    "Contract Manager",
    "Operations Director",
    "Account Director",
    "Service Delivery Manager",
    "Head of Health and Safety",
    "Quality Manager",
    "Mobilisation Lead",
    "Technical Services Manager",
    "Registered Care Manager",
    "IT Service Manager",
    "Social Value Lead",
    "Regional Manager",
]
QUALIFICATIONS = [
    "NEBOSH General Certificate",
    "IOSH Managing Safely",
    "CIWM Level 4 diploma",
    "MBA",
    "PRINCE2 Practitioner",
    "ITIL 4 Foundation",
    "CIH Level 5 Diploma in Housing",
    "BICSc licentiate",
    "CMI Level 7",
    "Level 5 Diploma in Leadership for Health and Social Care",
    "IWFM Level 6",
    "Chartered Engineer (IMechE)",
    "ILM Level 5",
    "BSc (Hons) Environmental Science",
    "Certified Information Systems Security Professional",
]
STRENGTHS = [
    "Known for calm, well-prepared mobilisations and open-book reporting to clients.",
    "Has led TUPE consultations for more than 1,200 staff without a tribunal claim.",
    "Chairs the group's continuous improvement forum and trains new supervisors.",
    "Built the group's KPI dashboard and monthly performance pack.",
    "Holds budget responsibility for a portfolio of public sector contracts.",
    "Represents the group on the regional contractors' safety forum.",
]

METHODS = [
    "We held monthly performance reviews with the client and shared a live KPI dashboard.",
    "Supervisors carried out weekly spot checks and shared findings within 48 hours.",
    "Improvement actions were tracked on a joint risk and issues log reviewed each quarter.",
    "A named account manager attended the client's contract board every month.",
    "Frontline staff were briefed daily and trained on the revised procedures.",
    "Data from our management system fed an open-book report to the client.",
    "We agreed a service improvement plan in the first 90 days and delivered every action.",
    "Customer feedback was collected after each job and reviewed by the contract team.",
]
CLOSINGS = [
    "The contract was extended for a further two years.",
    "The client rated our performance good or outstanding at every annual review.",
    "All contractual KPIs were met throughout the term.",
    "The client has agreed to act as a referee for this work.",
    "The approach has since been rolled out to three other contracts.",
    "No service credits were deducted during the contract.",
]


@dataclass(frozen=True)
class Topic:
    """An outcome a case study can evidence: passage wording, and question wording without it."""

    key: str
    division: str
    service: str  # empty for cross-cutting topics, evidenced on any of the client's contracts
    sectors: tuple[str, ...]
    subject: str  # in the passages' own words: used by policies and contract KPIs
    facts: tuple[str, ...]
    asks: tuple[str, ...]


# fmt: off
TOPICS = [
    Topic("missed_collections", "environment", "Waste and recycling collection",
          ("local",), "missed bin collections",
          ("Missed bin collections fell from {a} to {b} per 100,000 lifts after we re-planned "
           "the rounds with in-cab technology.",
           "Crews logged every missed bin in-cab, and missed collections dropped by {pct}% in "
           "the first year."),
          ("cutting the number of skipped refuse pickups",
           "making sure residents' rubbish is not left out on the pavement")),
    Topic("recycling_rate", "environment", "Waste and recycling collection",
          ("local", "education", "health"), "recycling rates and contamination",
          ("The kerbside recycling rate rose from {b}% to {a}%, and contamination in dry mixed "
           "recycling halved.",
           "We increased recycling to {a}% of all waste by adding food caddies and clear "
           "labelling on every bin store."),
          ("diverting more rubbish away from landfill",
           "getting people to separate their rubbish so less is buried or burned")),
    Topic("fleet_emissions", "environment", "Fleet and transport services",
          ("local", "health", "blue", "housing"), "fleet fuel use and vehicle emissions",
          ("We replaced {n} diesel vans with electric vehicles, cutting fleet CO2 emissions by "
           "{pct}% a year.",
           "Route optimisation and telematics reduced fuel burn and tailpipe CO2 by {pct}% "
           "across the fleet."),
          ("lowering the greenhouse gas output of our road transport",
           "making our lorries and cars greener")),
    Topic("fly_tipping", "environment", "Street cleansing and enforcement",
          ("local", "housing"), "fly-tipping and street cleanliness",
          ("Fly-tipping reports were cleared within {hours} hours on {high}% of occasions.",
           "Fly-tips on estates fell by {pct}% after CCTV and enforcement patrols."),
          ("removing illegally dumped rubbish quickly",
           "stopping people from dumping junk illegally")),
    Topic("helpdesk_response", "facilities", "Integrated facilities management",
          ALL, "helpdesk call handling",
          ("{high}% of helpdesk calls were answered within 20 seconds and {pct}% of queries were "
           "resolved at first contact.",
           "Our service desk answered {high}% of calls within target and logged every request "
           "on the CAFM system."),
          ("how quickly customers get through when they phone us for assistance",
           "the speed of our telephone support line")),
    Topic("energy_use", "facilities", "Integrated facilities management",
          ("health", "education", "local", "blue"), "building energy consumption",
          ("LED retrofits and BMS re-tuning cut building energy consumption by {pct}%, saving "
           "£{k}k a year.",
           "Electricity use across the estate fell {pct}% after we installed LED lamps and "
           "sub-metering."),
          ("lowering power bills through lighting upgrades",
           "smaller utility costs from more efficient lights and heating controls")),
    Topic("cleaning_audits", "facilities", "Cleaning and hygiene services",
          ("health", "education"), "cleaning audit scores",
          ("Cleaning audit scores averaged {high}% against the National Standards of Healthcare "
           "Cleanliness.",
           "Ward cleaning audits passed at {high}%, with functional-risk areas cleaned to FR1 "
           "frequency."),
          ("hygiene inspection results in clinical spaces",
           "how spotless patient areas are kept")),
    Topic("reactive_repairs", "housing", "Responsive repairs and maintenance",
          ("housing", "education", "local", "health"), "emergency and responsive repairs",
          ("Emergency repairs were attended within {hours} hours in {high}% of cases, and "
           "routine repairs within {days} days.",
           "First-time fix rate for responsive repairs reached {high}%, with {pct}% fewer "
           "recalls."),
          ("how fast urgent faults get put right",
           "sending a tradesperson quickly when something breaks")),
    Topic("planned_maintenance", "facilities", "Hard FM and planned maintenance",
          ("health", "education", "local", "blue"), "planned preventative maintenance",
          ("Planned preventative maintenance completion reached {high}% against the SFG20 "
           "schedule.",
           "We completed {high}% of PPM tasks on time and cleared a backlog of {n} overdue "
           "statutory inspections."),
          ("carrying out scheduled servicing of plant and equipment",
           "keeping routine upkeep of assets up to date")),
    Topic("mobilisation", "group", "",
          ALL, "mobilisation and TUPE transfer",
          ("We mobilised the contract in {weeks} weeks and TUPE-transferred {n} staff with no "
           "break in service.",
           "Mobilisation ran to plan: {n} employees transferred under TUPE, with uniforms and "
           "IDs issued before day one."),
          ("taking over from the previous provider smoothly and moving their workforce across",
           "the handover when we inherited work from an incumbent")),
    Topic("missed_visits", "care", "Home care",
          ("local", "health"), "missed and late home care visits",
          ("Missed home care visits fell to {low}% of scheduled calls through electronic call "
           "monitoring.",
           "Electronic call monitoring cut late and missed domiciliary care calls by {pct}%."),
          ("older people not being left without their carer",
           "making sure carers turn up when vulnerable clients expect them")),
    Topic("falls", "care", "Residential and nursing care",
          ("health", "local"), "falls prevention",
          ("Falls among residents reduced by {pct}% after we introduced falls-risk assessments "
           "and hourly checks.",
           "Falls with harm dropped from {a} to {b} a quarter across our care homes."),
          ("preventing elderly people from tripping and injuring themselves",
           "fewer accidents where frail patients end up on the floor")),
    Topic("patient_satisfaction", "care", "Community health services",
          ("health",), "patient feedback",
          ("{high}% of patients would recommend the service in the Friends and Family Test.",
           "Friends and Family Test results averaged {high}% positive over {months} months."),
          ("how happy people were with the treatment they got",
           "what service users thought of us")),
    Topic("discharge", "care", "Reablement and discharge support",
          ("health", "local"), "delayed discharges",
          ("A discharge-to-assess pathway cut delayed transfers of care by {pct}%.",
           "Delayed discharges fell from {a} to {b} bed days a month once our reablement team "
           "was in place."),
          ("helping patients leave the ward sooner once medically fit",
           "freeing up hospital capacity by sending people home faster")),
    Topic("void_turnaround", "housing", "Voids and lettings works",
          ("housing",), "void turnaround",
          ("Void turnaround time reduced from {a} to {b} days, with relet standard checks on "
           "every property.",
           "Average void periods fell by {pct}% and rent loss on empty properties halved."),
          ("getting vacant flats ready for new tenants faster",
           "how long dwellings stand unoccupied between lettings")),
    Topic("damp_mould", "housing", "Responsive repairs and maintenance",
          ("housing",), "damp and mould",
          ("We resolved {n} damp and mould cases within {days} days of first report, in line "
           "with Awaab's Law.",
           "Every damp and mould report triggered a surveyor visit within {days} days and a "
           "follow-up at six weeks."),
          ("dealing with condensation and black fungus in residents' flats",
           "treating wet walls and spores that make tenants ill")),
    Topic("gas_safety", "housing", "Gas servicing and compliance",
          ("housing", "education"), "gas safety compliance",
          ("We maintained {high}% landlord gas safety record compliance across {n} properties.",
           "Annual gas servicing reached 100% with no properties outside the LGSR date."),
          ("yearly boiler checks completed for every home",
           "making sure heating appliances are inspected on time each year")),
    Topic("tenant_satisfaction", "housing", "Responsive repairs and maintenance",
          ("housing",), "resident satisfaction with repairs",
          ("Resident satisfaction with repairs rose to {high}% in the Tenant Satisfaction "
           "Measures survey.",
           "Tenant Satisfaction Measures showed a {pct}% improvement in satisfaction with the "
           "repairs service."),
          ("how pleased occupiers are with the fixes we make",
           "what people living in our homes think of our maintenance work")),
    Topic("uptime", "digital", "Managed IT and hosting",
          ALL, "platform availability",
          ("Platform availability was {high}% over {months} months, reported monthly against the "
           "SLA.",
           "The hosted system achieved {high}% uptime with no unplanned outage longer than an "
           "hour."),
          ("how reliable the software is and how often it goes down",
           "whether the online service stays up for users")),
    Topic("cyber", "digital", "Managed IT and hosting",
          ALL, "cyber security",
          ("There were no reportable data breaches, and annual penetration tests found no "
           "critical vulnerabilities.",
           "Our SOC monitored endpoints 24/7 and phishing click rates fell by {pct}% after "
           "simulated campaigns."),
          ("protecting information from hackers and leaks",
           "defending against online attacks on our computers")),
    Topic("migration", "digital", "Digital transformation",
          ("education", "local", "health"), "Microsoft 365 migration",
          ("We migrated {n} users to Microsoft 365 in a weekend cut-over with no lost mailboxes.",
           "Email, files and Teams for {n} users moved to Microsoft 365 with a {weeks}-week "
           "adoption programme."),
          ("moving staff messaging and documents to the cloud",
           "switching an organisation onto hosted productivity tools")),
    Topic("accessibility", "digital", "Digital transformation",
          ("local", "education", "health"), "web accessibility",
          ("The website meets WCAG 2.2 AA and was tested with screen readers and keyboard-only "
           "navigation.",
           "An independent audit confirmed WCAG 2.2 AA conformance across {n} page templates."),
          ("whether blind and partially sighted people can use our online pages",
           "making digital services usable by disabled people")),
    Topic("apprenticeships", "group", "",
          ALL, "apprenticeships",
          ("We created {n} apprenticeships for local young people, {pct}% of whom stayed on in "
           "permanent roles.",
           "{n} apprentices completed Level 2 and Level 3 standards on the contract."),
          ("training places for school leavers",
           "helping teenagers start a career with us")),
    Topic("local_spend", "group", "",
          ALL, "local SME spend",
          ("{pct}% of contract spend went to SMEs within {miles} miles of the site.",
           "We placed £{k}k of subcontracts with local SMEs and voluntary organisations."),
          ("money spent with small nearby businesses",
           "keeping the economic benefit in the area by buying from neighbourhood firms")),
    Topic("volunteering", "group", "",
          ALL, "staff volunteering",
          ("Staff gave {n} hours of volunteering to community groups, recorded against the TOMs "
           "framework.",
           "Our volunteering days supported {n} local charities and food banks."),
          ("employees helping good causes in their own time",
           "unpaid work our people do for neighbourhood organisations")),
    Topic("net_zero", "group", "",
          ALL, "carbon reduction and net zero",
          ("Our verified Carbon Reduction Plan targets net zero by 2040, with Scope 1 and 2 "
           "emissions down {pct}% since 2019.",
           "We report Scope 1, 2 and 3 emissions annually under PPN 06/21 and have cut Scope 1 "
           "and 2 by {pct}%."),
          ("our roadmap to eliminating greenhouse gases",
           "how we plan to become climate neutral")),
    Topic("staff_turnover", "group", "",
          ALL, "staff turnover",
          ("Staff turnover fell to {low}% against a sector average of {pct}%.",
           "Annual staff turnover dropped by {pct}% after we introduced career pathways and "
           "exit interviews."),
          ("keeping employees from quitting",
           "retaining our people for longer")),
    Topic("living_wage", "group", "",
          ALL, "Real Living Wage",
          ("All staff on the contract are paid at least the Real Living Wage, and we are an "
           "accredited Living Wage Employer.",
           "We uplifted {n} operatives to the Real Living Wage at no extra cost to the client."),
          ("fair pay for the lowest-paid workers",
           "paying people enough to cover everyday costs")),
    Topic("safeguarding", "care", "",
          ALL, "safeguarding",
          ("{high}% of staff completed safeguarding training and DBS checks were renewed every "
           "three years.",
           "Safeguarding leads reviewed {n} concerns, all referred to the local authority "
           "within 24 hours."),
          ("protecting children and vulnerable adults from abuse",
           "keeping at-risk people safe from harm")),
    Topic("lost_time_injuries", "group", "",
          ALL, "lost time injuries",
          ("Our lost time injury frequency rate was 0.{low} per 100,000 hours worked, with no "
           "RIDDOR reportable incidents.",
           "Lost time injuries fell by {pct}% after behavioural safety training."),
          ("accidents at work that cause days off",
           "how safe our people are on the job")),
]
# fmt: on

# The services a client of each sector can hold a contract for (cross-cutting topics use these).
SECTOR_SERVICES = {
    sector: sorted({t.service for t in TOPICS if t.service and sector in t.sectors})
    for sector in SECTORS
}

STANDARDS = [  # (standard, scope wording, certificate number prefix, certification body)
    ("ISO 9001:2015", "quality management", "FS", "BSI"),
    ("ISO 14001:2015", "environmental management", "EMS", "BSI"),
    ("ISO 45001:2018", "occupational health and safety management", "OHS", "BSI"),
    ("ISO/IEC 27001:2022", "information security management", "ISMS", "LRQA"),
    ("ISO 50001:2018", "energy management", "ENMS", "NQA"),
    ("ISO 22301:2019", "business continuity management", "BCMS", "SGS"),
    ("Cyber Essentials Plus", "IT infrastructure and end-user devices", "CEP", "IASME"),
    ("CHAS Elite", "health and safety, environmental and quality assessment", "CHAS", "CHAS"),
    ("Constructionline Gold", "pre-qualification for construction and maintenance works", "CL",
     "Constructionline"),
    ("Gas Safe registration", "domestic and commercial gas work", "GSR", "Gas Safe Register"),
]  # fmt: skip
GENERAL_KPIS = (
    "staff turnover",
    "customer complaints",
    "invoice accuracy",
    "social value delivery",
)
FINDINGS = ["no nonconformities", "one minor nonconformity", "two minor nonconformities"]
POLICY_KINDS = ["Policy", "Procedure", "Standard", "Code of Practice"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"
]  # fmt: skip


@dataclass
class Passage:
    kind: str
    text: str
    client: str = ""
    sector: str = ""
    topic: str = ""
    reference: str = ""
    person: str = ""


@dataclass
class Question:
    kind: str
    text: str
    qrels: dict[int, int] = field(default_factory=dict)  # passage index -> grade


@dataclass(frozen=True)
class Client:
    name: str
    town: str
    sector: str
    code: str


# ---------------------------------------------------------------- corpus


def _month(rng: random.Random, first: int = 2016, last: int = 2024) -> str:
    return f"{rng.choice(MONTHS)} {rng.randint(first, last)}"


def _figures(rng: random.Random) -> dict[str, Any]:
    """Every placeholder a topic sentence may use; each sentence picks what it needs."""
    a = rng.randint(40, 120)
    return {
        "a": a, "b": rng.randint(5, a - 15), "pct": rng.randint(8, 45),
        "low": rng.randint(1, 9), "high": f"{rng.uniform(92, 99.9):.1f}",
        "n": rng.randint(12, 480), "k": rng.randint(40, 900), "hours": rng.choice([2, 4, 24, 48]),
        "days": rng.randint(3, 28), "weeks": rng.randint(6, 16), "months": rng.randint(6, 36),
        "miles": rng.choice([10, 15, 20, 25, 30]),
    }  # fmt: skip


def _clients(rng: random.Random) -> list[Client]:
    """One to three clients per town, in different sectors, so towns are shared distractors."""
    clients = []
    for town in TOWNS:
        for sector in rng.sample(list(SECTORS), rng.randint(1, 3)):
            suffix = rng.choice(SECTORS[sector][0])
            name = f"University of {town}" if suffix == "University" else f"{town} {suffix}"
            code = (town[:3] + "".join(word[0] for word in suffix.split())).upper()
            clients.append(Client(name.replace("-", " "), town.replace("-", " "), sector, code))
    return clients


def _people(rng: random.Random, count: int) -> list[str]:
    names = [f"{first} {last}" for first in FIRST for last in LAST]
    return rng.sample(names, count)


class Library:
    """Generates the passages, each tagged with the client, topic, reference and person it names."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.passages: list[Passage] = []
        self.clients = _clients(rng)
        self.people = _people(rng, 400)
        self.serials: set[int] = set()
        self.contracts: dict[tuple[str, str], str] = {}  # (client, service) -> reference

    def add(self, passage: Passage) -> None:
        self.passages.append(passage)

    def serial(self, low: int, high: int) -> int:
        """A number never used before: identifiers must pick out one passage."""
        while (number := self.rng.randint(low, high)) in self.serials:
            pass
        self.serials.add(number)
        return number

    def contract(self, client: Client, service: str) -> str:
        key = (client.name, service)
        if key not in self.contracts:
            self.contracts[key] = (
                f"{client.code}/{self.rng.randint(2016, 2023)}/{self.serial(100, 9999):04d}"
            )
        return self.contracts[key]

    def build(self, case_studies: int) -> list[Passage]:
        for client, topic in self._case_study_pairs(case_studies):
            self.case_study(client, topic)
        for client_name, service in list(self.contracts):
            self.contract_summary(client_name, service)
        led: dict[str, list[str]] = defaultdict(list)
        for passage in self.passages:
            if passage.person and passage.client not in led[passage.person]:
                led[passage.person].append(passage.client)
        for person in self.people:
            self.cv(person, led[person])
        for _ in range(360):
            self.certificate()
        for topic in TOPICS:  # the current policy and the one it replaced, as libraries keep
            self.policy(topic, "current")
            self.policy(topic, "superseded")
        return self.passages

    def _case_study_pairs(self, count: int) -> list[tuple[Client, Topic]]:
        pairs = [(c, t) for c in self.clients for t in TOPICS if c.sector in t.sectors]
        return self.rng.sample(pairs, min(count, len(pairs)))

    def case_study(self, client: Client, topic: Topic) -> None:
        rng = self.rng
        service = topic.service or rng.choice(SECTOR_SERVICES[client.sector])
        reference = self.contract(client, service)
        person = rng.choice(self.people)
        fact = rng.choice(topic.facts).format(**_figures(rng))
        method, closing = rng.choice(METHODS), rng.choice(CLOSINGS)
        sites = rng.randint(2, 60)
        frames = [
            f"Case study: {service} for {client.name}. Between {_month(rng, 2016, 2019)} and "
            f"{_month(rng, 2020, 2024)} we delivered the service across {sites} sites in "
            f"{client.town} under contract {reference}, led by {person}. {fact} {method} "
            f"{closing}",
            f"{client.name}, {client.town}: {_lower_first(service)}, contract {reference} "
            f"({rng.randint(3, 10)}-year term). {fact} {method} Contract manager {person} reported "
            f"monthly to the client. {closing}",
            f"Reference project: {client.name}. Service: {_lower_first(service)} at {sites} "
            f"locations in and around {client.town} (contract {reference}). {fact} {method} Our "
            f"lead on the contract was {person}. {closing}",
        ]
        self.add(Passage("case study", rng.choice(frames), client.name, client.sector, topic.key,
                         reference, person))  # fmt: skip

    def contract_summary(self, client_name: str, service: str) -> None:
        rng = self.rng
        client = next(c for c in self.clients if c.name == client_name)
        own = [t.subject for t in TOPICS if t.service == service]
        kpis = rng.sample([*own, *GENERAL_KPIS], 3)
        text = (
            f"Contract summary {self.contracts[client_name, service]}: {_lower_first(service)} for "
            f"{client.name}, {client.town}. Value £{rng.uniform(0.4, 38):.1f}m over "
            f"{rng.randint(3, 10)} years from {_month(rng)}, awarded after open tender. Key "
            f"performance indicators cover {kpis[0]}, {kpis[1]} and {kpis[2]}. Payment is monthly "
            f"in arrears with a {rng.randint(2, 10)}% performance deduction mechanism. "
            f"Delivered by {DIVISIONS[_division_of(service)]}."
        )
        self.add(Passage("contract", text, client.name, client.sector,
                         reference=self.contracts[client_name, service]))  # fmt: skip

    def cv(self, person: str, led: list[str]) -> None:
        """A CV naming two clients the person led case studies for (or any two)."""
        rng = self.rng
        worked = (led + [c.name for c in rng.sample(self.clients, 2)])[:2]
        qualifications = ", ".join(rng.sample(QUALIFICATIONS, 2))
        text = (
            f"CV: {person}, {rng.choice(CV_ROLES)}. {rng.randint(6, 30)} years' experience in "
            f"public sector service delivery. Qualifications: {qualifications}. Recent roles: "
            f"contract lead for {worked[0]}, then regional lead covering {worked[1]} "
            f"and neighbouring clients. {rng.choice(STRENGTHS)} Available to the contract for "
            f"{rng.choice([20, 40, 60, 100])}% of their time."
        )
        self.add(Passage("cv", text, person=person))

    def certificate(self) -> None:
        rng = self.rng
        standard, scope, prefix, body = rng.choice(STANDARDS)
        number = f"{prefix} {self.serial(100000, 999999)}"
        division = rng.choice(list(DIVISIONS.values()))
        town = rng.choice(TOWNS).replace("-", " ")
        text = (
            f"Certificate {number}: {standard}. Issued by {body} to {division} for "
            f"{scope} covering operations managed from the {town} office. First issued "
            f"{_month(rng, 2010, 2020)}; the current certificate is valid until "
            f"{_month(rng, 2025, 2028)}. The last surveillance audit, in "
            f"{_month(rng, 2023, 2024)}, raised {rng.choice(FINDINGS)}."
        )
        self.add(Passage("certificate", text, reference=number))

    def policy(self, topic: Topic, status: str) -> None:
        rng = self.rng
        kind = rng.choice(POLICY_KINDS)
        reference = f"NGS-{kind[:3].upper()}-{self.serial(100, 9999):04d}"
        approved = _month(rng, 2023, 2024) if status == "current" else _month(rng, 2018, 2021)
        text = (
            f"{topic.subject[0].upper()}{topic.subject[1:]} {kind.lower()} ({reference}, version "
            f"{rng.randint(1, 6)}.{rng.randint(0, 9)}, approved by the board in {approved}; "
            f"{status}). It applies to {DIVISIONS[topic.division]} and sets out how every contract "
            f"manages {topic.subject}: responsibilities, the records kept, how performance is "
            f"reported and when issues are escalated to a director. It is reviewed every "
            f"{rng.choice([12, 24])} months or after a significant incident."
        )
        self.add(Passage("policy", text, topic=topic.key, reference=reference))


def _lower_first(name: str) -> str:
    """'Managed IT and hosting' -> 'managed IT and hosting': lower() would make "it" a stop word."""
    return name[0].lower() + name[1:]


def _division_of(service: str) -> str:
    return next(t.division for t in TOPICS if t.service == service)


# ---------------------------------------------------------------- questions


def build_questions(rng: random.Random, passages: list[Passage], count: int) -> list[Question]:
    per_class = count // len(CLASSES)
    return (
        identifier_questions(rng, passages, per_class)
        + topic_questions(rng, passages, per_class, paraphrased=False)
        + topic_questions(rng, passages, per_class, paraphrased=True)
        + mixed_questions(rng, passages, count - 3 * per_class)
    )


def identifier_questions(rng: random.Random, passages: list[Passage], count: int) -> list[Question]:
    """Contract/certificate/policy references and people, the source passage graded 2."""
    templates = {
        "contract": ["What was delivered under contract {ref}?", "Contract {ref}: value and scope"],
        "certificate": [
            "Certificate {ref}: scope and expiry",
            "Which standard is certificate {ref}?",
        ],
        "policy": ["What does {ref} cover?", "Latest version of document {ref}"],
        "cv": ["{ref}: qualifications and experience", "CV for {ref}"],
    }
    sources = [i for i, p in enumerate(passages) if p.kind in templates]
    questions = []
    for index in rng.sample(sources, count):
        source = passages[index]
        identifier = source.person if source.kind == "cv" else source.reference
        qrels = {index: 2}
        for other, passage in enumerate(passages):
            # Case studies quoting the contract, or led by the person, also answer in part.
            if passage.kind == "case study" and identifier in (passage.reference, passage.person):
                qrels[other] = 1
        text = rng.choice(templates[source.kind]).format(ref=identifier)
        questions.append(Question("identifier", text, qrels))
    return questions


def topic_questions(
    rng: random.Random, passages: list[Passage], count: int, *, paraphrased: bool
) -> list[Question]:
    """A topic and a sector; the topic's case studies in that sector graded 2, elsewhere 1.

    Plain questions name the topic in the evidence's own words (its policy and KPI wording,
    as a tender would); paraphrased ones use words absent from the topic's sentences.
    """
    plain = ["Describe your results on {ask} for {sector}",
             "Evidence of your performance on {ask} for {sector}",
             "Case studies showing {ask} results for {sector}"]  # fmt: skip
    other = ["Evidence of {ask} for {sector}", "Give an example of {ask} for {sector}.",
             "Our track record in {ask} with {sector}"]  # fmt: skip
    options = sorted({(p.topic, p.sector) for p in passages if p.kind == "case study"})
    questions = []
    for topic_key, sector in rng.sample(options, min(count, len(options))):
        topic = next(t for t in TOPICS if t.key == topic_key)
        qrels = {
            i: 2 if p.sector == sector else 1
            for i, p in enumerate(passages)
            if p.kind == "case study" and p.topic == topic_key
        }
        text = rng.choice(other if paraphrased else plain).format(
            ask=rng.choice(topic.asks) if paraphrased else topic.subject,
            sector=rng.choice(SECTORS[sector][1]),
        )
        questions.append(Question("paraphrase" if paraphrased else "plain", text, qrels))
    return questions


def mixed_questions(rng: random.Random, passages: list[Passage], count: int) -> list[Question]:
    """A named client and a paraphrased topic: that client's case study graded 2.

    The topic's other case studies, and the summary of the contract the case study was
    delivered under, are graded 1.
    """
    templates = ["{client}: evidence of {ask}", "Examples from our {client} work of {ask}",
                 "What can we say about {ask} at {client}?"]  # fmt: skip
    studies = [i for i, p in enumerate(passages) if p.kind == "case study"]
    questions = []
    for index in rng.sample(studies, count):
        source = passages[index]
        topic = next(t for t in TOPICS if t.key == source.topic)
        qrels = {
            i: 1
            for i, p in enumerate(passages)
            if (p.kind == "case study" and p.topic == topic.key)
            or (p.kind == "contract" and p.reference == source.reference)
        }
        qrels[index] = 2
        text = rng.choice(templates).format(client=source.client, ask=rng.choice(topic.asks))
        questions.append(Question("mixed", text, qrels))
    return questions


# ---------------------------------------------------------------- metrics


def ndcg(ranking: list[int], qrels: dict[int, int], k: int = K) -> float:
    """Linear-gain nDCG@k: the grade discounted by log2(rank + 1), over the ideal ordering."""
    gain = sum(qrels.get(doc, 0) / math.log2(rank + 2) for rank, doc in enumerate(ranking[:k]))
    ideal = sorted(qrels.values(), reverse=True)[:k]
    best = sum(grade / math.log2(rank + 2) for rank, grade in enumerate(ideal))
    return gain / best if best else 0.0


def recall(ranking: list[int], qrels: dict[int, int], k: int = DEPTH) -> float:
    relevant = {doc for doc, grade in qrels.items() if grade > 0}
    return len(relevant & set(ranking[:k])) / len(relevant) if relevant else 0.0


def mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- loading and searching


def load(passages: list[Passage], rng: random.Random) -> tuple[Any, list[uuid.UUID]]:
    """One document per passage kind, one chunk per passage; real embeddings, BM25 statistics."""
    from accounts.models import Membership
    from accounts.models import User
    from accounts.services import company_create
    from documents import bm25
    from documents.embeddings import embedder
    from documents.models import Chunk
    from documents.models import Document

    user = User.objects.create_user(email="quality@bench.test")
    company = company_create(name="Northgate Services", owner=user)
    # Random but seeded ids: the product breaks score ties by id, so ids must not follow labels.
    ids = [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in passages]
    texts = [p.text for p in passages]
    vectors = _embed(embedder(), texts)
    for number, kind in enumerate(sorted({p.kind for p in passages})):
        document = Document.objects.create(
            company=company, uploaded_by=user, title=f"{kind} library", filename=f"{kind}.txt",
            kind="text", content_type="text/plain", size=1, sha256=f"{number:064d}",
            file="bench/none.txt", status=Document.Status.READY,
        )  # fmt: skip
        members = [i for i, p in enumerate(passages) if p.kind == kind]
        Chunk.objects.bulk_create(
            Chunk(id=ids[i], document=document, company=company, label="reference", ordinal=n,
                  page_start=1, page_end=1, heading="", text=texts[i],
                  token_count=len(texts[i].split()), embedding=vectors[i])
            for n, i in enumerate(members)
        )  # fmt: skip
        bm25.index_document(document.pk)
    membership = Membership.objects.select_related("company").get(user=user, company=company)
    return membership, ids


def _embed(provider: Any, texts: list[str], batch: int = 32) -> list[Any]:
    vectors: list[Any] = []
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        vectors.extend(provider.embed(texts[start : start + batch]))
        if (start // batch) % 25 == 24 or start + batch >= len(texts):
            done = min(start + batch, len(texts))
            rate = done / (time.perf_counter() - started)
            print(f"  embedded {done:>5}/{len(texts)} passages ({rate:.0f}/s)", flush=True)
    return vectors


def run_mode(
    membership: Any, questions: list[Question], position: dict[Any, int], mode: str
) -> tuple[list[list[int]], float]:
    """Each question's ranking (passage indices) from the product's search, and mean latency."""
    from documents.ranking import Mode
    from documents.search import chunk_search

    rankings: list[list[int]] = []
    started = time.perf_counter()
    for question in questions:
        hits = chunk_search(membership=membership, query=question.text, k=DEPTH, mode=Mode(mode))
        rankings.append([position[hit.chunk_id] for hit in hits])
    return rankings, (time.perf_counter() - started) / len(questions) * 1000


# ---------------------------------------------------------------- fusions compared offline


def candidate_pools(membership: Any, questions: list[Question]) -> list[list[Any]]:
    """Each question's candidate pool as the product builds it: both legs' scores for each."""
    from documents import ranking
    from documents import search

    scope = search.search_scope(membership=membership)
    graph = ranking.hnsw_worthwhile(membership.company_id)
    return [
        ranking.candidates(
            scope,
            company_id=membership.company_id,
            query=question.text,
            vector=search.query_vector(question.text),
            mode=ranking.Mode.HYBRID,
            graph=graph,
        )
        for question in questions
    ]


def blended(pool: list[Any], dense_weight: float) -> list[Any]:
    """The product's fusion with this weight on the dense leg."""
    from documents.ranking import fuse

    return [item.candidate.chunk_id for item in fuse(pool, dense_weight=dense_weight)]


def reciprocal_rank(pool: list[Any], k: int = RRF_K) -> list[Any]:
    """Reciprocal rank fusion of the two legs' own rankings (a leg that missed adds nothing)."""
    fused = {
        c.chunk_id: sum(1 / (k + rank + 1) for rank in (c.dense_rank, c.keyword_rank) if rank is not None)
        for c in pool
    }  # fmt: skip
    return sorted(fused, key=lambda chunk_id: (-fused[chunk_id], str(chunk_id)))


def previous_fusion(pool: list[Any]) -> list[Any]:
    """The fusion this replaced: each leg min-max scaled over its own finds, a passage a leg
    did not find getting nothing from it, then 0.7 x dense + 0.3 x BM25."""
    fused: dict[Any, float] = defaultdict(float)
    legs = (
        (0.7, [(c.chunk_id, c.similarity) for c in pool if c.dense_rank is not None]),
        (0.3, [(c.chunk_id, c.bm25) for c in pool if c.keyword_rank is not None]),
    )
    for weight, found in legs:
        if not found:
            continue
        low, high = min(value for _, value in found), max(value for _, value in found)
        for chunk_id, value in found:
            fused[chunk_id] += weight * ((value - low) / (high - low) if high > low else 1.0)
    return sorted(fused, key=lambda chunk_id: (-fused[chunk_id], str(chunk_id)))


def halves(questions: list[Question], rng: random.Random) -> tuple[list[int], list[int]]:
    """Question indices split in two, each class halved at random: weights are chosen on one
    half and judged on the other, so the figure reported is not the one that was tuned."""
    first: list[int] = []
    second: list[int] = []
    for kind in CLASSES:
        members = [i for i, q in enumerate(questions) if q.kind == kind]
        rng.shuffle(members)
        first.extend(members[::2])
        second.extend(members[1::2])
    return sorted(first), sorted(second)


def weight_curve(
    questions: list[Question], pools: list[list[Any]], indices: list[int]
) -> dict[float, float]:
    """nDCG@10 over ``indices`` of the blend at each dense weight."""
    return {
        weight: mean([ndcg(blended(pools[i], weight)[:K], questions[i].qrels) for i in indices])
        for weight in WEIGHTS
    }


# ---------------------------------------------------------------- the bm25s oracle

# Term frequency = positions of the lexeme in search_vector, read directly rather than from the
# product's own term_freqs, so the oracle checks the statistics as well as the scoring.
CHUNK_LEXEMES_SQL = """
    SELECT c.id, u.lexeme, coalesce(array_length(u.positions, 1), 1)
    FROM documents_chunk c, unnest(c.search_vector) u
    WHERE c.company_id = %s
"""
# Each text's lexemes, in order, in one round trip (DISTINCT per text: the product's query terms).
TEXT_LEXEMES_SQL = """
    SELECT array(SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', t)))
    FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n)
    ORDER BY n
"""


def text_lexemes(texts: list[str]) -> list[list[str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(TEXT_LEXEMES_SQL, [texts])
        return [list(row[0]) for row in cursor.fetchall()]


def oracle_rankings(
    company_id: Any, ids: list[uuid.UUID], questions: list[Question]
) -> list[list[int]]:
    """bm25s (Lucene BM25, k1 1.2, b 0.75) over each chunk's Postgres lexemes: top K per question.

    Like the product, only chunks matching a query lexeme are ranked and ties go by chunk id.
    """
    import bm25s  # type: ignore[import-untyped]
    import numpy as np
    from django.db import connection

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # DEBUG settings would print its steps

    tokens: dict[Any, list[str]] = defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(CHUNK_LEXEMES_SQL, [company_id])
        for chunk_id, lexeme, count in cursor.fetchall():
            tokens[chunk_id].extend([lexeme] * count)
    retriever = bm25s.BM25(method="lucene", k1=1.2, b=0.75, dtype="float64")
    retriever.index([tokens[chunk_id] for chunk_id in ids], show_progress=False)
    rankings: list[list[int]] = []
    for terms in text_lexemes([q.text for q in questions]):
        known = [term for term in terms if term in retriever.vocab_dict]
        scores = retriever.get_scores(known) if known else np.zeros(len(ids))
        matched = sorted(np.flatnonzero(scores > 0), key=lambda i: (-scores[i], str(ids[i])))
        rankings.append([int(i) for i in matched[:K]])
    return rankings


# ---------------------------------------------------------------- report


def lexeme_overlap(questions: list[Question], passages: list[Passage]) -> dict[str, float]:
    """Per class: share of a question's lexemes found in its best-matching grade-2 passage."""
    shares: dict[str, list[float]] = defaultdict(list)
    for question in questions:
        best = [i for i, grade in question.qrels.items() if grade == 2]
        asked, *found = map(set, text_lexemes([question.text] + [passages[i].text for i in best]))
        if asked:
            shares[question.kind].append(max(len(asked & f) / len(asked) for f in found))
    return {kind: mean(values) for kind, values in shares.items()}


@dataclass
class Scores:
    ndcg: float
    recall: float
    by_class: list[float]


def score(questions: list[Question], rankings: list[list[int]]) -> Scores:
    pairs = list(zip(questions, rankings, strict=True))
    return Scores(
        ndcg=mean([ndcg(r, q.qrels) for q, r in pairs]),
        recall=mean([recall(r, q.qrels) for q, r in pairs]),
        by_class=[mean([ndcg(r, q.qrels) for q, r in pairs if q.kind == c]) for c in CLASSES],
    )


def table(
    title: str, questions: list[Question], rankings: dict[str, list[list[int]]], indices: list[int]
) -> dict[str, Scores]:
    """Print nDCG@10 and recall@100 of each method over the questions at ``indices``."""
    asked = [questions[i] for i in indices]
    scores = {name: score(asked, [ranks[i] for i in indices]) for name, ranks in rankings.items()}
    classes = "".join(f"{c:>11}" for c in CLASSES)
    print(f"\n{title}\n{'method':<22} {'nDCG@10':>8} {'recall@100':>11}   by class:{classes}")
    for name, result in scores.items():
        row = "".join(f"{value:11.3f}" for value in result.by_class)
        print(f"{name:<22} {result.ndcg:8.3f} {result.recall:11.3f}   {'':9}{row}")
    return scores


def choose_weight(
    questions: list[Question], pools: list[list[Any]], tune: list[int], name: str
) -> float:
    """The dense weight scoring best on the tuning half (ties: the one nearer 0.5)."""
    curve = weight_curve(questions, pools, tune)
    best = max(curve, key=lambda weight: (round(curve[weight], 4), -abs(weight - 0.5)))
    points = " ".join(f"{weight:.2f}:{value:.3f}" for weight, value in curve.items())
    print(f"\n{name}: nDCG@10 of the blend by dense weight\n  {points}\n  chosen {best:.2f}")
    return best


def held_out(
    questions: list[Question], pools: list[list[Any]], legs: dict[str, list[list[int]]],
    tune: list[int], judge: list[int], name: str,
) -> bool:  # fmt: skip
    """Choose the weight on ``tune``, then compare the blend with each leg and RRF on ``judge``."""
    weight = choose_weight(questions, pools, tune, f"{name}, tuned on {len(tune)} questions")
    rankings = {
        **legs,
        f"blend {weight:.2f}/{1 - weight:.2f}": [blended(pool, weight) for pool in pools],
        f"RRF (k = {RRF_K})": [reciprocal_rank(pool) for pool in pools],
        "previous 0.70/0.30": [previous_fusion(pool) for pool in pools],
    }
    scores = table(
        f"{name}, judged on the other {len(judge)} questions", questions, rankings, judge
    )
    blend = scores[f"blend {weight:.2f}/{1 - weight:.2f}"].ndcg
    return blend > max(scores["keyword"].ndcg, scores["dense"].ndcg)


def report(
    questions: list[Question],
    results: dict[str, tuple[list[list[int]], float]],
    pools: list[list[Any]],
    oracle: list[list[int]],
    overlap: dict[str, float],
) -> bool:
    """Print the tables and the verdicts; True when every target is met."""
    from documents.ranking import DENSE_WEIGHT

    legs = {mode: results[mode][0] for mode in ("keyword", "dense")}
    first, second = halves(questions, random.Random(SEED + 3))
    folds = [
        held_out(questions, pools, legs, first, second, "fold A"),
        held_out(questions, pools, legs, second, first, "fold B"),
    ]
    everyone = list(range(len(questions)))
    rankings = {
        **legs, f"hybrid (product {DENSE_WEIGHT:.2f})": results["hybrid"][0],
        f"RRF (k = {RRF_K})": [reciprocal_rank(pool) for pool in pools],
        "previous 0.70/0.30": [previous_fusion(pool) for pool in pools],
    }  # fmt: skip
    scores = table(f"all {len(questions)} questions", questions, rankings, everyone)
    print("latency: " + ", ".join(f"{mode} {latency:.0f} ms" for mode, (_, latency) in results.items()) + " per query (k = 100)")  # fmt: skip

    keyword, dense, hybrid = (scores[name].ndcg for name in list(rankings)[:3])
    reference = score(questions, oracle).ndcg
    same = sum(r[:K] == o for r, o in zip(results["keyword"][0], oracle, strict=True))
    difference = keyword - reference
    print(f"\nbm25s oracle (Lucene BM25, k1 1.2, b 0.75, same lexemes): nDCG@10 {reference:.3f}, "
          f"product keyword {keyword:.3f}, difference {difference:+.4f}; "
          f"same top 10 for {same}/{len(questions)} questions")  # fmt: skip
    shares = ", ".join(f"{c} {overlap.get(c, 0):.0%}" for c in CLASSES)
    print(f"question lexemes found in the grade-2 passage: {shares}")

    oracle_met = abs(difference) <= ORACLE_TOLERANCE
    hybrid_met = hybrid > max(keyword, dense)
    print(f"\ntarget keyword within {ORACLE_TOLERANCE} nDCG@10 of bm25s: "
          f"{'met' if oracle_met else 'MISSED'} ({difference:+.4f})")  # fmt: skip
    print(f"target hybrid nDCG@10 above max(keyword, dense): {'met' if hybrid_met else 'MISSED'} "
          f"({hybrid:.3f} vs {max(keyword, dense):.3f}: {hybrid - max(keyword, dense):+.3f})")  # fmt: skip
    print(f"target blend tuned on one half beats both legs on the other, both ways: "
          f"{'met' if all(folds) else 'MISSED'}")  # fmt: skip
    return oracle_met and hybrid_met and all(folds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=240)
    parser.add_argument("--case-studies", type=int, default=1500)
    args = parser.parse_args()

    import django

    django.setup()
    from bench.common import throwaway_database

    passages = Library(random.Random(SEED)).build(args.case_studies)
    questions = build_questions(random.Random(SEED + 1), passages, args.questions)
    kinds = ", ".join(
        f"{n} {kind}" for kind, n in sorted(Counter(p.kind for p in passages).items())
    )
    per_class = ", ".join(f"{n} {kind}" for kind, n in Counter(q.kind for q in questions).items())
    print(f"corpus: {len(passages)} passages ({kinds})\nquestions: {len(questions)} ({per_class})")

    with throwaway_database("bidscript_bench_quality"):
        started = time.perf_counter()
        membership, ids = load(passages, random.Random(SEED + 2))
        print(f"loaded, embedded and indexed in {time.perf_counter() - started:.0f} s", flush=True)
        position = {chunk_id: index for index, chunk_id in enumerate(ids)}
        results = {mode: run_mode(membership, questions, position, mode) for mode in MODES}
        pools = [
            [_positioned(candidate, position) for candidate in pool]
            for pool in candidate_pools(membership, questions)
        ]
        oracle = oracle_rankings(membership.company_id, ids, questions)
        met = report(questions, results, pools, oracle, lexeme_overlap(questions, passages))
        print(f"\ntotal {time.perf_counter() - started:.0f} s")
    sys.exit(0 if met else 1)


def _positioned(candidate: Any, position: dict[Any, int]) -> Any:
    """The candidate named by its passage index, so fusions rank indices like the metrics."""
    from dataclasses import replace

    return replace(candidate, chunk_id=position[candidate.chunk_id])


if __name__ == "__main__":
    main()
