"""Who is in the demo: people, circles, companies, skills, phrases. Pure data, no logic.

``demo/build.py`` turns these tables into a Network. Dates here are "months before
the build date" (the builder always builds as of ``build.ANCHOR`` and then shifts
the result to the requested day), so no table names a calendar date or year.

The planted stories the analytics look for are named here too:
``INTENDED_INTRODUCTIONS`` (a need in one circle, the matching skill in another,
and the two have never met) and ``PUSHES_LUCK_ID`` (asked four times, never a yes).
"""

from __future__ import annotations

from dataclasses import dataclass

OWNER_ID = "me"
OWNER_GIVEN, OWNER_FAMILY = "Alex", "Morgan"
OWNER_NAME = f"{OWNER_GIVEN} {OWNER_FAMILY}"
OWNER_AGE = 35
HISTORY_DAYS = 3 * 365  # interactions cover the three years before as_of

# The owner's career: three companies in turn, then independent for the last
# six months, so every colleague below is an ex-colleague.
# circle key: (organisation, owner's title there, since, until) in months ago.
OWNER_CAREER = {
    "northwind": ("Northwind Analytics", "Data Analyst", 150, 96),
    "bluepeak": ("Bluepeak Health", "Senior Data Scientist", 96, 33),
    "copperline": ("Copperline Studios", "Head of Data", 33, 6),
}
COMPANY_KEYS = tuple(OWNER_CAREER)
OWNER_TITLE_NOW = "Independent data consultant"
SCHOOL = "Kingsbridge University"
STREET = "Elm Row, Hackney"
OWNER_MOVED_IN_MONTHS = 72  # the owner has lived on Elm Row for six years
STAY_CHANCE = {"northwind": 0.3, "bluepeak": 0.45, "copperline": 0.8}  # still at the company today
DEGREES = ("BSc Mathematics", "LLB Law", "MA History", "BEng Civil Engineering", "MBChB Medicine",
           "BSc Computer Science", "MA English Literature", "BSc Economics", "BSc Physics")


@dataclass(frozen=True)
class Circle:
    key: str
    size: int            # people in the circle, featured ones included (bridges come on top)
    tag: str             # how-met tag (SCHEMA.md lists the usual ones)
    met_how: str
    met_where: str | None
    warmth: float        # 0..1: how close the owner tends to be to people in it
    ages: tuple[int, int]
    groups: int          # sub-groups that know each other well (teams, flats, clubs, events)
    p_in: float          # chance that two people of one sub-group know each other
    p_out: float         # ... of the same circle but different sub-groups


CIRCLES = {c.key: c for c in (
    Circle("northwind", 48, "ex-colleague", "worked together", "Northwind Analytics", 0.25, (29, 62), 6, 0.65, 0.10),
    Circle("bluepeak", 52, "ex-colleague", "worked together", "Bluepeak Health", 0.40, (28, 60), 6, 0.70, 0.12),
    Circle("copperline", 56, "ex-colleague", "worked together", "Copperline Studios", 0.45, (24, 55), 7, 0.70, 0.13),
    Circle("school", 32, "school", "university", SCHOOL, 0.70, (34, 36), 4, 0.75, 0.25),
    Circle("family", 13, "family", "family", None, 1.00, (0, 0), 1, 0.90, 0.90),
    Circle("neighbour", 14, "neighbour", "neighbour", STREET, 0.50, (26, 79), 2, 0.55, 0.30),
    Circle("social", 16, "social", "climbing", "The Arch climbing wall", 0.80, (26, 45), 2, 0.70, 0.30),
    Circle("conference", 30, "conference", "conference", None, 0.25, (27, 62), 3, 0.40, 0.06),
    Circle("networking", 22, "networking event", "networking event", None, 0.20, (25, 58), 2, 0.30, 0.08),
    Circle("interviewer", 12, "interviewer", "job interview", None, 0.05, (29, 56), 4, 0.90, 0.00),
)}
SOCIAL_GROUPS = (("climbing", "The Arch climbing wall"), ("book club", "Hope & Anchor book club"))
SCHOOL_GROUPS = ("flatmates in Marchmont", "maths course", "climbing society", "student paper")

# A few generated people belong to a second circle: they carry both tags and
# both circles' KNOWS edges, which is what makes the network one small world.
BRIDGES = (
    ("school", "bluepeak"),      # a uni friend the owner later worked with
    ("school", "bluepeak"),
    ("northwind", "bluepeak"),   # followed the owner from one company to the next
    ("northwind", "bluepeak"),
    ("bluepeak", "copperline"),
    ("bluepeak", "copperline"),
    ("neighbour", "social"),     # lives on the street and climbs
    ("conference", "northwind"), # an ex-colleague met again at a conference
    ("networking", "school"),    # a classmate met again at a mixer
)

# Events in the owner's recent history: (name, place, months ago).
CONFERENCES = (("DataConf Europe", "Amsterdam", 20), ("Health Data Summit", "Berlin", 9))
NETWORKING_EVENTS = (("Tech for Good Meetup", "King's Cross, London", 14),
                     ("Founders & Funders Mixer", "Shoreditch, London", 5))
# Job interviews: the first three before joining Copperline, the last before going independent.
INTERVIEW_ROUNDS = (("Lumen Bank", 34), ("Harbor Robotics", 34), ("Tessellate AI", 34), ("Meridian Pharma", 8))
INTERVIEW_STAGES = ("hiring manager chat", "system design round", "take-home review", "values interview",
                    "final round")
INTERVIEWER_TITLES = ("Engineering Manager", "Head of Data", "Staff Data Scientist", "VP Engineering",
                      "Principal Engineer", "Director of Analytics", "Talent Partner")
TRIPS = (("Lisbon", 26, 6), ("New York", 15, 5), ("Berlin", 9, 4))  # city, months ago, days

# --- names ---------------------------------------------------------------------
# (weight, given names, family names): given and family names come from one pool
# so that names read as real ones. All invented combinations; no public figures.
NAME_POOLS = (
    (22, "Oliver Amelia Harry Isla George Freya Jack Poppy Charlie Evie James Lucy Rory Imogen Callum "
         "Niamh Fergus Eilidh Hattie Tom Rosie Finn", "Hughes Bennett Clarke Foster Walsh Murray Doyle "
         "Fraser Palmer Harding Lloyd Sutherland Brennan Ashworth Kerr Whitlock Pemberton Gallagher"),
    (12, "Arjun Ananya Rohan Kavya Vikram Meera Sanjay Divya Nikhil Shreya Imran Fatima Karthik Lakshmi",
         "Sharma Iyer Patel Reddy Nair Kapoor Chowdhury Bose Malhotra Qureshi Desai Krishnan"),
    (7, "Chinedu Ngozi Kwame Abena Tunde Funmilayo Emeka Adaeze Kofi Yaa Segun Chiamaka",
        "Adeyemi Okonkwo Boateng Eze Owusu Balogun Nwachukwu Asante Obi Adebayo"),
    (4, "Wanjiru Otieno Amani Njeri Baraka Achieng", "Kamau Odhiambo Mwangi Wekesa Kiprop Njoroge"),
    (6, "Jiahui Haoran Meiling Junjie Xinyi Zhiwei Yuxin Lei", "Chen Liu Wang Huang Zhou Lin Xu Sun Guo"),
    (3, "Haruto Yui Sota Aoi Ren Hana", "Tanaka Sato Suzuki Nakamura Kobayashi Ito"),
    (3, "Min-jun Seo-yeon Ji-ho Soo-ah Hyun-woo Ji-woo", "Park Lee Choi Jung Kang Yoon"),
    (3, "Minh Linh Thanh Mai Duc Anh", "Nguyen Tran Pham Le Hoang Vu"),
    (6, "Alejandro Lucía Mateo Valentina Diego Camila Javier Sofía Pablo Carmen Andrés Elena",
        "García Fernández López Martínez Romero Navarro Torres Ramírez Castillo Vega Morales Ortega"),
    (5, "João Beatriz Pedro Mariana Gonçalo Leonor Duarte Carolina Thiago Larissa Bruno Ana",
        "Silva Santos Ferreira Almeida Carvalho Sousa Rodrigues Lima Barbosa Pinto Moreira"),
    (6, "Lukas Anna Felix Johanna Maximilian Clara Erik Astrid Nils Sigrid Mats Linnea",
        "Schneider Wagner Hoffmann Schulz Richter Lindberg Johansson Nielsen Berg Halvorsen Vogel"),
    (4, "Camille Louis Chloé Hugo Manon Julien Margaux Théo", "Martin Bernard Moreau Laurent Girard Fontaine Roux"),
    (4, "Giorgio Francesca Matteo Chiara Lorenzo Alessia Davide Martina",
        "Rossi Ricci Marino Greco Conti Gallo Esposito"),
    (4, "Katarzyna Piotr Agnieszka Tomasz Magdalena Paweł Zofia Jakub",
        "Nowak Kaczmarek Mazur Krawczyk Dudek Wójcik Sikora"),
    (4, "Omar Layla Karim Yasmin Tariq Noor Hassan Rania", "Khalil Nasser Saleh Mansour Aziz Darwish"),
    (3, "Emre Zeynep Mehmet Selin Can Ece", "Demir Kaya Şahin Aydın Öztürk Çelik"),
)
CHILD_NAMES = ("Mia", "Leo", "Ava", "Noah", "Isla", "Arlo", "Zara", "Felix", "Ruby", "Kai", "Maya", "Elio",
               "Nia", "Ezra", "Iris", "Sami", "Luca", "Aanya", "Tomi", "Rosa", "Otis", "Lila")

# --- where people live and work -------------------------------------------------
LOCATIONS = {
    "northwind": (("London", 6), ("Manchester", 2), ("Leeds", 1), ("Bangalore", 1), ("New York", 1), ("Dublin", 1)),
    "bluepeak": (("London", 5), ("Manchester", 3), ("Bristol", 1), ("Toronto", 1), ("Lisbon", 1)),
    "copperline": (("London", 6), ("Brighton", 1), ("Berlin", 1), ("Lisbon", 1), ("Montreal", 1)),
    "school": (("London", 5), ("Edinburgh", 3), ("Glasgow", 1), ("New York", 2), ("Singapore", 1), ("Sydney", 1)),
    "neighbour": ((f"{STREET}, London", 1),),
    "social": (("London", 5), ("Hackney, London", 2), ("Lisbon", 1)),
    "conference": (("Amsterdam", 2), ("Berlin", 3), ("Stockholm", 1), ("Paris", 1), ("Boston", 1),
                   ("Nairobi", 1), ("London", 2), ("Toronto", 1)),
    "networking": (("London", 6), ("Shoreditch, London", 2), ("Cambridge", 1)),
    "interviewer": (("London", 5), ("Cambridge", 1), ("New York", 1)),
}
UK_PLACES = ("London", "Manchester", "Leeds", "Bristol", "Brighton", "Edinburgh", "Glasgow", "Cambridge",
             "Guildford", "Canterbury")
NANP_AREA_CODES = {"New York": "212", "Boston": "617", "Toronto": "416", "Montreal": "514"}

TITLES = {  # jobs at the owner's three companies
    "northwind": ("Data Analyst", "Senior Data Analyst", "Analytics Engineer", "Data Engineer", "BI Developer",
                  "Engineering Manager", "Account Director", "Data Scientist", "Platform Engineer",
                  "QA Engineer", "Head of Client Services", "Office Manager"),
    "bluepeak": ("Data Scientist", "Clinical Data Manager", "Product Manager", "Software Engineer",
                 "ML Engineer", "Regulatory Affairs Specialist", "Head of Partnerships", "UX Designer",
                 "Nurse Informaticist", "Data Protection Officer", "Clinical Lead"),
    "copperline": ("Game Designer", "Producer", "Technical Artist", "Gameplay Programmer", "Art Director",
                   "QA Lead", "Community Manager", "Sound Designer", "Data Analyst", "Level Designer",
                   "Animator", "Studio Manager"),
}
PROJECTS = {  # what the owner worked on with colleagues, for meeting summaries
    "northwind": ("the client churn model", "the retail dashboard refresh", "the forecasting pipeline"),
    "bluepeak": ("the readmissions model", "the trial recruitment dashboard", "the NHS data-sharing agreement"),
    "copperline": ("player telemetry", "the retention dashboard", "the A/B testing framework",
                   "live-ops analytics"),
}
# Where ex-colleagues went after leaving. (None, title): no organisation to name.
LATER_JOBS = (("Lumen Bank", "Data Scientist"), ("Harbor Robotics", "Software Engineer"),
              ("Tessellate AI", "ML Engineer"), ("Meridian Pharma", "Biostatistician"),
              ("Fernway Travel", "Product Manager"), ("Quillon Labs", "Engineering Manager"),
              ("Saltmarsh Energy", "Analytics Lead"), ("Oakridge Consulting", "Senior Consultant"),
              ("Pebble & Pine Games", "Lead Designer"), ("Civic Data Trust", "Data Engineer"),
              ("Greyfield Capital", "Data Analyst"), (None, "Freelance illustrator"))
CAREERS = {  # jobs for people of the other circles
    "school": (("Hale & Pryor LLP", "Solicitor"), ("St Brennan's Hospital", "Registrar"),
               ("Greyfield Capital", "Associate"), ("The Northern Ledger", "Journalist"),
               ("Mapledene Primary School", "Teacher"), ("Foster & Quail Architects", "Architect"),
               ("Lumen Bank", "Risk Analyst"), ("HM Treasury", "Policy Adviser"),
               ("Quillon Labs", "Software Engineer"), ("Oakridge Consulting", "Manager"),
               ("Fernway Travel", "Product Manager"), ("Edinburgh City Council", "Planning Officer")),
    "neighbour": ((None, "Retired teacher"), (None, "Retired"), ("St Brennan's Hospital", "Nurse"),
                  (None, "Carpenter"), ("Hackney Libraries", "Librarian"), ("Lumen Bank", "Software Engineer"),
                  ("Foster & Quail Architects", "Architect"), (None, "Plumber"),
                  ("Mapledene Primary School", "Teaching Assistant")),
    "social": (("Thameside Council", "Transport Planner"), (None, "Freelance photographer"),
               ("Fernway Travel", "Marketing Manager"), ("St Brennan's Hospital", "Junior Doctor"),
               ("Quillon Labs", "Product Designer"), ("The Arch Climbing Wall", "Route Setter"),
               ("Lumen Bank", "Product Owner"), ("Brightline Comms", "Copywriter")),
    "conference": (("Delft Institute for Health Data", "Research Fellow"),
                   ("Nordic Institute of Data Science", "Postdoctoral Researcher"),
                   ("Tessellate AI", "ML Engineer"), ("Civic Data Trust", "Data Scientist"),
                   ("Meridian Pharma", "Biostatistician"), ("Quillon Labs", "Developer Advocate"),
                   ("Rhine Health Analytics", "Head of Data"), ("Open Health Foundation", "Programme Lead")),
    "networking": (("Sprout Ledger", "Founder"), ("Kitebase", "Co-founder & CTO"),
                   ("Northstar Angels", "Angel Investor"), ("Greyfield Capital", "Analyst"),
                   ("Brightline Comms", "PR Consultant"), ("Lanternfish", "Founder"),
                   (None, "Fractional CFO"), ("Fernway Travel", "Head of Growth")),
}
COMPANY_DOMAINS = {
    "Northwind Analytics": "northwind-analytics.com", "Bluepeak Health": "bluepeakhealth.com",
    "Copperline Studios": "copperline.studio", "Lumen Bank": "lumenbank.co.uk",
    "Harbor Robotics": "harborrobotics.com", "Tessellate AI": "tessellate.ai",
    "Meridian Pharma": "meridianpharma.com", "Fernway Travel": "fernway.travel",
    "Quillon Labs": "quillonlabs.io", "Saltmarsh Energy": "saltmarsh.energy",
    "Oakridge Consulting": "oakridgeconsulting.com", "Pebble & Pine Games": "pebbleandpine.games",
    "Civic Data Trust": "civicdata.org.uk", "Greyfield Capital": "greyfield.vc",
    "Hale & Pryor LLP": "haleandpryor.co.uk", "Foster & Quail Architects": "fosterquail.co.uk",
    "Brightline Comms": "brightline.co.uk", "Delft Institute for Health Data": "dihd.nl",
    "Rhine Health Analytics": "rhinehealth.de", "Open Health Foundation": "openhealth.org",
    "Sprout Ledger": "sproutledger.com", "Kitebase": "kitebase.io", "Tallyfold": "tallyfold.com",
}
PERSONAL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "outlook.com", "icloud.com", "proton.me",
                    "fastmail.com", "hotmail.co.uk", "yahoo.com")

# --- skills, interests, needs --------------------------------------------------
SKILLS = {
    "northwind": ("sql", "python", "data engineering", "statistics", "tableau", "spark", "forecasting",
                  "client management", "dbt"),
    "bluepeak": ("data science", "clinical trials", "machine learning", "product management", "python",
                 "regulatory affairs", "information governance", "nhs procurement"),
    "copperline": ("game design", "illustration", "unity", "art direction", "sound design", "c++",
                   "community management", "level design", "animation"),
    "school": ("law", "teaching", "finance", "medicine", "journalism", "architecture", "policy", "editing"),
    "family": ("cooking", "gardening"),
    "neighbour": ("carpentry", "gardening", "baking", "plumbing", "teaching", "first aid"),
    "social": ("photography", "cooking", "running coaching", "spanish", "route setting", "bike repair"),
    "conference": ("machine learning", "statistics", "research", "data visualisation", "public health",
                   "epidemiology", "causal inference"),
    "networking": ("startups", "sales", "angel investing", "pr", "partnerships", "financial modelling"),
    "interviewer": ("system design", "engineering management", "negotiation", "people management"),
}
INTERESTS = ("climbing", "jazz", "sourdough", "running", "cycling", "chess", "football", "board games",
             "gardening", "photography", "travel", "sci-fi", "podcasts", "yoga", "wine", "hiking", "film",
             "poetry", "cooking", "tennis", "open-water swimming", "birdwatching", "pottery", "vinyl")
# Needs handed out at random (sparse): everyday asks, some of which a contact happens to cover.
NEEDS = ("career advice", "mentoring", "hiring", "childcare tips", "legal advice", "design feedback",
         "a new flat", "marketing", "learning spanish", "side-project feedback")
HEALTH_NOTES = ("recovering from knee surgery", "mild hay fever", "coeliac: pick places with gluten-free food",
                "type 1 diabetic", "long covid; low energy some weeks", "migraines: avoid loud bars",
                "bad back: prefers walking meetings")
NOTE_TEMPLATES = ("Met at {met_where}. Big on {interest}.", "Good person to ask about {skill}.",
                  "Prefers email to calls.", "Always up for {interest} at the weekend.",
                  "Vegetarian: remember when booking dinner.", "Knows half of {city}'s {skill} scene.",
                  "Kids: {children}.")


@dataclass(frozen=True)
class Featured:
    """A hand-written person: the family, and everyone behind a planted story."""

    key: str
    given: str
    family: str
    circle: str
    tier: str                    # close | monthly | occasional | rare (see CORE)
    company: str | None = None
    title: str | None = None
    location: str = "London"
    age: int = 35
    skills: tuple[str, ...] = ()
    interests: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    children: tuple[str, ...] = ()
    notes: str | None = None
    health: str | None = None
    group: int = 0               # sub-group: team, event (conference/networking) or interview round
    past_title: str | None = None  # their title at the owner's company, when they have left it


FEATURED = (
    # The family: the owner's parents, sister's household, and both sides' relatives.
    Featured("helena", "Helena", "Morgan", "family", "close", None, "Retired pharmacist", "Guildford", 63,
             ("cooking", "gardening"), ("gardening", "choir"), children=("Alex", "Claire"), notes="Mum."),
    Featured("david", "David", "Morgan", "family", "close", None, "Retired civil engineer", "Guildford", 65,
             ("carpentry",), ("cycling", "jazz"), children=("Alex", "Claire"), notes="Dad."),
    Featured("claire", "Claire", "Okafor", "family", "close", "St Brennan's Hospital", "Paediatric Nurse",
             "Bristol", 38, ("nursing",), ("running", "film"), children=("Ada", "Theo"), notes="Sister."),
    Featured("chidi", "Chidi", "Okafor", "family", "monthly", "Saltmarsh Energy", "Electrical Engineer",
             "Bristol", 40, ("electronics",), ("football", "jazz"), children=("Ada", "Theo"),
             notes="Claire's husband."),
    Featured("ada", "Ada", "Okafor", "family", "occasional", None, "Student", "Bristol", 15, (),
             ("film", "drawing"), notes="Niece. Wants to study animation."),
    Featured("theo", "Theo", "Okafor", "family", "occasional", None, "Student", "Bristol", 11, (),
             ("football", "minecraft"), notes="Nephew."),
    Featured("margaret", "Margaret", "Morgan", "family", "monthly", None, "Retired teacher", "Canterbury", 88,
             ("knitting",), ("crosswords", "birdwatching"), children=("David", "Peter"), notes="Gran.",
             health="recovering from a hip replacement"),
    Featured("peter", "Peter", "Morgan", "family", "occasional", "Oakridge Consulting", "Partner",
             "Manchester", 60, ("finance",), ("golf",), children=("Hannah",), notes="Uncle, Dad's brother."),
    Featured("hannah", "Hannah", "Morgan", "family", "occasional", "Fernway Travel", "Product Manager",
             "Manchester", 31, ("product management",), ("travel", "yoga"), notes="Cousin."),
    Featured("lucia", "Lúcia", "Pereira", "family", "occasional", None, "Architect", "Lisbon", 58,
             ("architecture",), ("fado", "cooking"), children=("Inês", "Tiago"), notes="Aunt, Mum's sister."),
    Featured("rui", "Rui", "Pereira", "family", "rare", None, "Restaurant owner", "Lisbon", 61,
             ("cooking",), ("football",), children=("Inês", "Tiago"), notes="Uncle by marriage."),
    Featured("ines", "Inês", "Pereira", "family", "occasional", "Lisbon City Council", "Urban Designer",
             "Lisbon", 29, ("urban design",), ("surfing", "photography"), notes="Cousin."),
    Featured("tiago", "Tiago", "Pereira", "family", "occasional", None, "Maths graduate", "Lisbon", 24,
             ("mathematics", "r"), ("chess", "surfing"), ("data science",),
             notes="Cousin. Finished a maths master's; wants a first job in data science."),
    # The people behind the planted introductions (INTENDED_INTRODUCTIONS) and the luck story.
    Featured("priya", "Priya", "Raman", "copperline", "monthly", "Copperline Studios", "Senior Producer",
             skills=("production", "scrum"), interests=("board games", "jazz"), needs=("fundraising",),
             notes="Planning to spin out an indie studio; needs to understand a seed round."),
    Featured("tom", "Tom", "Aldridge", "school", "monthly", "Greyfield Capital", "Principal",
             skills=("fundraising", "venture capital", "financial modelling"), interests=("sailing", "wine"),
             notes="Second-year flatmate. Now a VC; happy to give founders an hour."),
    Featured("rafael", "Rafael", "Oliveira", "bluepeak", "monthly", "Bluepeak Health", "Data Engineer",
             "Manchester", 33, ("data engineering", "airflow"), ("football", "cooking"), ("visa advice",),
             notes="Partner got a job in Toronto; weighing the move."),
    Featured("farah", "Farah", "Haddad", "networking", "occasional", "Haddad & Lowe Immigration",
             "Immigration Solicitor", age=41, skills=("visa advice", "legal advice"),
             interests=("poetry", "tennis"), group=1),
    Featured("giulia", "Giulia", "Romano", "neighbour", "monthly", "Crumb & Co. Bakery", "Owner",
             f"{STREET}, London", 39, ("baking",), ("sourdough", "opera"), ("marketing",),
             notes="Runs the bakery on the corner; weekdays are slow."),
    Featured("jonas", "Jonas", "Becker", "copperline", "monthly", "Copperline Studios", "Growth Marketing Lead",
             age=34, skills=("marketing", "seo", "community management"), interests=("sourdough", "cycling")),
    Featured("sophie", "Sophie", "Lambert", "school", "close", "Fieldnote", "CTO & co-founder", "Edinburgh",
             skills=("backend", "go"), interests=("climbing", "whisky"), needs=("kubernetes",),
             notes="Best friend since freshers' week. Her startup has outgrown its hosting."),
    Featured("kenji", "Kenji", "Watanabe", "northwind", "occasional", "Northwind Analytics",
             "Staff Platform Engineer", age=41, skills=("kubernetes", "terraform", "go"),
             interests=("bonsai", "jazz")),
    Featured("amara", "Amara", "Nwosu", "conference", "occasional", "Delft Institute for Health Data",
             "Research Fellow", "Amsterdam", 36, ("epidemiology", "statistics"), ("cycling", "jazz"),
             ("ux research",), notes="Building a patient-facing symptom app; nobody on the team does user research.",
             group=1),
    Featured("lena", "Lena", "Fischer", "copperline", "monthly", "Copperline Studios", "Lead UX Researcher",
             age=37, skills=("ux research", "usability testing"), interests=("climbing", "film")),
    Featured("ravi", "Ravi", "Menon", "networking", "occasional", "Tallyfold", "Founder & CEO", age=38,
             skills=("sales", "product management"), interests=("cricket", "podcasts"), needs=("hiring",),
             notes="Just raised a seed round; needs his first five engineers.", group=1),
    Featured("charlotte", "Charlotte", "Dubois", "interviewer", "occasional", "Lumen Bank",
             "Senior Technical Recruiter", age=36, skills=("hiring", "negotiation"), interests=("theatre",),
             notes="Ran my interview loop at Lumen Bank; kind about it when I took Copperline instead."),
    Featured("ben", "Ben", "Carter", "social", "close", "Thameside Council", "Urban Planner", age=34,
             skills=("photography", "route setting"), interests=("climbing", "vinyl"), needs=("physiotherapy",),
             health="shoulder injury from climbing; not cleared to boulder yet",
             notes="Climbing partner. Tuesday and Thursday evenings at The Arch."),
    Featured("nadia", "Nadia", "Rahman", "bluepeak", "occasional", "Bluepeak Health",
             "Clinical Lead Physiotherapist", "Manchester", 44, ("physiotherapy", "clinical trials"), ("hiking",)),
    Featured("oliver", "Oliver", "Grant", "northwind", "occasional", "Northwind Analytics", "Analytics Manager",
             age=37, skills=("sql", "people management"), interests=("football",), needs=("mortgage advice",),
             notes="First-time buyer, baby on the way."),
    Featured("samuel", "Samuel", "Mensah", "neighbour", "occasional", "Keystone Mortgages", "Mortgage Adviser",
             f"{STREET}, London", 47, ("mortgage advice", "personal finance"), ("football", "gardening")),
    Featured("elif", "Elif", "Yılmaz", "copperline", "monthly", "Copperline Studios", "Narrative Designer",
             age=31, skills=("writing", "game design"), interests=("poetry", "film"), needs=("grant writing",),
             notes="Applying for an arts council grant for a narrative game."),
    Featured("henrik", "Henrik", "Lindqvist", "conference", "occasional", "Nordic Institute of Data Science",
             "Associate Professor", "Stockholm", 52, ("grant writing", "machine learning", "research"),
             ("sailing", "jazz"), group=0),
    Featured("wei", "Wei", "Zhang", "bluepeak", "monthly", "Bluepeak Health", "Principal Data Scientist",
             age=40, skills=("data science", "machine learning", "mentoring"), interests=("badminton", "cooking")),
    Featured("aisha", "Aisha", "Bello", "school", "monthly", "Hale & Pryor LLP", "Senior Associate",
             skills=("law", "contracts"), interests=("running", "poetry"), needs=("public speaking",),
             notes="Giving her first keynote, at a legal-tech conference, in the autumn."),
    Featured("daniel", "Daniel", "Kim", "networking", "occasional", "Brightline Comms", "Speaker Coach",
             age=45, skills=("public speaking", "storytelling"), interests=("improv", "running"), group=0),
    Featured("ingrid", "Ingrid", "Solberg", "neighbour", "monthly", "Mapledene Primary School",
             "Year 6 Teacher", f"{STREET}, London", 42, ("teaching",), ("hiking", "knitting"), ("python",),
             notes="Wants to start a coding club for her class."),
    Featured("luca", "Luca", "Moretti", "conference", "occasional", "Tessellate AI", "ML Engineer", "Turin", 33,
             ("python", "teaching"), ("teaching", "cycling"), notes="Runs weekend coding workshops for kids.",
             group=0),
    Featured("marcus", "Marcus", "Whitfield", "bluepeak", "occasional", "Meridian Pharma", "Chief Data Officer",
             age=51, skills=("data strategy", "leadership"), interests=("golf", "wine"),
             notes="Former skip-level at Bluepeak. Well connected; rarely says yes.", past_title="VP of Data"),
)
FEATURED_IDS = {f.key: f"p-{i:04d}" for i, f in enumerate(FEATURED, start=1)}

# (needs help, can help, topic): one's need is the other's skill, they are in
# different circles and have never met. No KNOWS edge is ever made between them.
INTENDED_KEYS = (
    ("priya", "tom", "fundraising"), ("rafael", "farah", "visa advice"), ("giulia", "jonas", "marketing"),
    ("sophie", "kenji", "kubernetes"), ("amara", "lena", "ux research"), ("ravi", "charlotte", "hiring"),
    ("ben", "nadia", "physiotherapy"), ("oliver", "samuel", "mortgage advice"),
    ("elif", "henrik", "grant writing"), ("tiago", "wei", "data science"),
    ("aisha", "daniel", "public speaking"), ("ingrid", "luca", "python"),
)
INTENDED_INTRODUCTIONS = tuple((FEATURED_IDS[a], FEATURED_IDS[b], topic) for a, b, topic in INTENDED_KEYS)

# Asked four times for help (three "no", one ignored), never a yes.
PUSHES_LUCK_ID = FEATURED_IDS["marcus"]
LUCK_ASKS = ((30, "referral", "no", "Referral for the data lead role at Meridian Pharma"),
             (20, "reference letter", "no", "Reference letter for a fellowship application"),
             (11, "intro", "no", "Intro to the CDO network he runs"),
             (3, "advice", "ignored", "Advice on pricing consulting work for pharma clients"))

# How close the owner is to a contact, and how often they talk (episodes per
# year; an episode is a conversation plus its follow-ups).
# Per circle, how many are in the close core and the monthly ring (featured
# people included). Of the rest, the OCCASIONAL warmest are occasional, the
# others rare.
CORE = {"family": (3, 3), "school": (5, 10), "social": (5, 6), "copperline": (2, 11), "bluepeak": (2, 10),
        "northwind": (1, 4), "neighbour": (1, 5), "networking": (0, 2), "conference": (0, 3), "interviewer": (0, 0)}
OCCASIONAL = 150
EPISODES_PER_YEAR = {"close": 36, "monthly": 10, "occasional": 1.8, "rare": 0}
FOLLOW_UP_CHANCE = {"close": 0.35, "monthly": 0.2, "occasional": 0.2, "rare": 0.2}
TIER_WEIGHT = {"close": 6, "monthly": 3, "occasional": 1, "rare": 0.1}
FADING = {"close": 4, "monthly": 13}  # ties that were strong a year or two ago and went silent
REVIVED = 8

# Recurring group get-togethers: (circle, every ~N days, kind, summaries).
GROUP_RHYTHMS = (
    ("family", 30, "catch-up", ("Sunday lunch at Mum and Dad's", "Family dinner in Guildford",
                                "Barbecue at Claire and Chidi's", "Gran's for tea")),
    ("social", 12, "catch-up", ("Bouldering at The Arch, then pizza", "Climbing session at The Arch",
                                "Book club at the Hope & Anchor", "Pub quiz: came third")),
    ("copperline", 21, "meeting", ("Data team lunch", "Sprint retro drinks", "Playtest of the new build",
                                   "Offsite planning")),
    ("bluepeak", 14, "meeting", ("Team lunch at Bluepeak", "Analytics guild session", "Sprint review")),
    ("school", 180, "catch-up", ("Kingsbridge reunion weekend", "Uni friends' dinner")),
    ("neighbour", 120, "catch-up", ("Elm Row street party", "Drinks in the communal garden")),
)

CAFES = ("Monmouth", "Prufrock", "Climpson & Sons", "Allpress", "Caravan", "Ozone")
AREAS = ("King's Cross", "Soho", "Borough Market", "Shoreditch", "Clerkenwell", "London Fields")
GENERIC_TOPICS = ("holiday plans", "a book we both read", "the housing market", "side projects",
                  "a podcast they recommended", "family news", "weekend plans", "burnout", "a job idea")
SUMMARIES = {
    "catch-up/in-person": ("Coffee at {cafe}: talked about {topic}", "Lunch in {area}, mostly {topic}",
                           "Drinks after work; caught up on {topic}", "Walk on the Heath: {topic}",
                           "Dinner at theirs: {topic}", "Brunch at {cafe}; {topic}"),
    "catch-up/remote": ("Long call about {topic}", "Quick call: {topic}", "Video catch-up: {topic}"),
    "message": ("Swapped messages about {topic}", "Sent them an article on {interest}",
                "Shared photos from the weekend", "Checked in about {topic}", "Voice notes about {topic}"),
    "meeting": ("1:1: {topic}", "Project sync on {project}", "Whiteboard session on {project}",
                "Planning for {project}"),
    "advice-asked": ("Asked for their take on {skill}", "Picked their brain about {skill}"),
    "opportunity-shared": ("Shared a job opening that fits them", "Forwarded a call for talks on {interest}"),
    "invitation": ("Invited them to a gig at the jazz cafe", "Invited them to a climbing taster session",
                   "Invited them to a supper club"),
}

FAVOR_KINDS = {  # by how-met tag
    "ex-colleague": ("referral", "code review", "reference letter", "advice", "intro", "cv review"),
    "school": ("advice", "help moving", "intro", "cv review", "proofreading"),
    "family": ("help moving", "airport pickup", "advice", "babysitting", "loan of the car"),
    "neighbour": ("parcel collection", "plant watering", "borrowed ladder", "cat sitting"),
    "social": ("help moving", "advice", "lift to the crag", "intro"),
    "conference": ("intro", "advice", "talk feedback", "referral"),
    "networking event": ("intro", "advice", "referral"),
    "interviewer": ("referral", "advice"),
}
FAVOR_COUNT = 90
UNTHANKED = 4  # received favors deliberately left without a thank-you
FAVOR_STATUS_WEIGHTS = {
    "given": (("yes", 85), ("pending", 15)),
    "received": (("yes", 92), ("pending", 8)),
    "asked": (("yes", 45), ("pending", 20), ("no", 15), ("ignored", 20)),
}

# Past introductions by the owner, each double opt-in (A asked first, then B):
# (months ago, status, declined_by, outcome, note). The outcome is the closed good / neutral /
# bad; what happened, in words, is the note.
INTRO_PLAN = (
    (27, "made", None, "good", "{b} needed a data engineer; hired {a} after two interviews"),
    (21, "made", None, "good", "Co-founded a side project: both obsessed with open transport data"),
    (16, "made", None, "bad", "Sent the intro email; neither followed up"),
    (12, "declined", "b", None, "{b} asked to hold off: too busy with a product launch"),
    (9, "made", None, "good", "Both new to running clubs; now do parkrun together"),
    (5, "made", None, "neutral", "{a} did a short contract for {b}'s team; nothing since"),
    (1, "made", None, None, "Intro sent; waiting to hear"),
)
