"""Evidence for the demo company: a small library and one tender pack, as Markdown files."""

LIBRARY = {
    "certificates-register.md": """# Certificates register

## Quality management

Northwind Facilities holds ISO 9001:2015 certification for quality management, certificate
number NF-Q-2291, issued by BSI on 14 March 2024. The ISO 9001 certificate expires on
13 March 2027 and is audited every year in February.

## Environmental management

We hold ISO 14001:2015 for environmental management, certificate NF-E-1187, issued by BSI. The
ISO 14001 certificate expires on 2 June 2026; the recertification audit is booked for April 2026.

## Health and safety

Our ISO 45001:2018 certificate for occupational health and safety (NF-S-0412) expires on
30 September 2027. We also hold SafeContractor accreditation and Constructionline Gold.
""",
    "social-value-policy.md": """# Social value policy

## Local employment

We recruit locally wherever we work: 68% of our staff live within ten miles of their site. We
take on twelve apprentices every year in cleaning, catering and facilities management, and
guarantee an interview to every apprentice who completes the programme.

## Fair pay

Every member of staff, including subcontracted staff, is paid at least the real Living Wage. We
have been an accredited Living Wage Employer since 2019.

## Community

Each site team gives two volunteering days a year to a local charity chosen by the team. In 2025
our teams gave 1,840 hours to food banks, schools and hospices.
""",
    "case-study-nhs-fife.md": """# Case study: NHS Fife estates cleaning

## The contract

From 2021 we have cleaned four hospitals for NHS Fife under a five-year contract worth
£3.1 million a year, with 240 staff transferred under TUPE.

## Results

Cleanliness audit scores rose from 91% to 97% in the first year. Staff turnover fell from 31% to
14% after we introduced paid training time and a career pathway to supervisor.

## Mobilisation

We mobilised in six weeks with no loss of service: a named mobilisation manager met every
transferring employee, and the client received a weekly mobilisation report.
""",
}

TENDER_PACK = {
    "hospital-estates-itt.md": """# Invitation to tender: hospital estates facilities management

## 1. Scope

NHS Lothian invites tenders for facilities management across three hospital sites, covering
cleaning, portering and waste management, from 1 April 2027 for five years.

## 2. Requirements

2.1 Bidders must hold current ISO 9001 and ISO 14001 certification.

2.2 Describe your social value commitments, including apprenticeships and payment of the real
Living Wage. Maximum 500 words; weighting 15%.

2.3 Describe your mobilisation plan, including how staff transferring under TUPE will be
supported. Maximum 750 words; weighting 20%.
""",
}
