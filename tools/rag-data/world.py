"""The made-up world the corpus is written about: organisations, products, teams, tools and fake contacts.

Every name here was invented for this corpus. The only person names are the fake contacts at the end, used in a
handful of documents so that `forja rag index --anonymize` has personal data to remove.
"""

# Organisations write runbooks and policies in their own language.
ORGS = {
    "es": [
        "Andesur Logística",
        "Minera Pampa Alta",
        "Cooperativa Valle Nevado",
        "Aseguradora del Estrecho",
        "Retail Quillén",
        "Telecomunicaciones del Pacífico",
        "Instituto Tecnológico Calafate",
        "Hospital Regional Copihue",
        "Financiera Río Ñuble",
    ],
    "pt": [
        "Cooperativa de Crédito Ipê",
        "Logística Jacarandá",
        "Banco Sabiá Digital",
        "Clínica Sertão Vivo",
    ],
    "en": [
        "Bluefen Utilities",
        "Corvid Analytics",
        "Harrowgate Mutual",
        "Kestrel Retail Group",
    ],
}

# Products and their vendors, the subjects of advisories; each has release lines (major versions).
PRODUCTS = [
    ("Quetzal Gateway", "Altiplano Software", [2, 3]),
    ("Cóndor VPN", "Pampa Networks", [4, 5]),
    ("Tucán Mail", "Selva Systems", [7, 8]),
    ("Colibrí SSO", "Altiplano Software", [1, 2]),
    ("Totora ERP", "Fiordo Labs", [10, 11]),
    ("Ñandú Backup", "Pampa Networks", [3, 4]),
    ("Canelo CMS", "Selva Systems", [5, 6]),
    ("Jaguar Firewall", "Fiordo Labs", [9]),
    ("Alpaca Monitor", "Altiplano Software", [2, 3]),
    ("Capibara Drive", "Selva Systems", [1, 2]),
    ("Guanaco API Manager", "Fiordo Labs", [6, 7]),
    ("Picaflor Print Server", "Pampa Networks", [3]),
]

# Teams that own incidents, per language: never a person.
TEAMS = {
    "es": [
        "el CSIRT corporativo",
        "el Centro de Operaciones de Seguridad (SOC)",
        "la guardia de infraestructura",
        "la Oficina de Protección de Datos",
        "el equipo de Riesgo Tecnológico",
        "la mesa de ayuda de nivel 2",
    ],
    "pt": [
        "o CSIRT corporativo",
        "o Centro de Operações de Segurança (SOC)",
        "o plantão de infraestrutura",
        "o Escritório de Proteção de Dados",
        "a equipe de Risco Tecnológico",
        "o suporte de nível 2",
    ],
    "en": [
        "the corporate CSIRT",
        "the Security Operations Centre (SOC)",
        "the infrastructure on-call rotation",
        "the Data Protection Office",
        "the Technology Risk team",
        "the tier-2 service desk",
    ],
}

# Made-up tools, so documents name a SIEM, an EDR and a ticket system without naming a real one.
SIEMS = ["Atalaya SIEM", "Vigía Logs", "Torreón Logs"]
EDRS = ["Baluarte EDR", "Escudo Endpoint", "Guardián XDR"]
TICKETS = ["MesaÁgil", "TicketNube", "Bitácora ITSM"]

# Fake contacts (example.* domains, fictional numbers) for the few documents that carry one.
CONTACTS = {
    "es": [
        ("Contacto", "María Pérez", "maria.perez@example.com", "+56 9 1234 5678"),
        ("Contacto", "Jorge Salinas", "jorge.salinas@example.org", "+56 2 2345 6789"),
        ("Responsable", "Camila Rojas", "camila.rojas@example.com", "+52 55 1234 5678"),
        ("Responsable", "Andrés Fuentes", "andres.fuentes@example.net", "+57 601 234 5678"),
        ("Contacto de guardia", "Valentina Soto", "valentina.soto@example.com", "+54 11 4321 8765"),
        ("Contacto", "Rodrigo Mena", "rodrigo.mena@example.org", "+51 1 765 4321"),
    ],
    "pt": [
        ("Contato", "Ana Ribeiro", "ana.ribeiro@example.com", "+55 11 91234-5678"),
        ("Responsável", "João Carvalho", "joao.carvalho@example.org", "+55 21 98765-4321"),
        ("Contato de plantão", "Beatriz Lima", "beatriz.lima@example.net", "+351 912 345 678"),
    ],
    "en": [
        ("Contact", "Emily Carter", "emily.carter@example.com", "+1 202-555-0147"),
        ("Owner", "Daniel Brooks", "daniel.brooks@example.org", "+44 20 7946 0321"),
        ("On-call contact", "Olivia Grant", "olivia.grant@example.net", "+1 415-555-0188"),
    ],
}

LANGS = ["es", "pt", "en"]

# Portuguese needs the article of each organisation ("na Cooperativa", "no Banco").
PT_FEMININE = {"Cooperativa de Crédito Ipê", "Logística Jacarandá", "Clínica Sertão Vivo"}


def org_forms(org):
    """Slots for an organisation's name with its Portuguese article: {na_org}, {da_org}, {a_org}, {A_org}."""
    fem = org in PT_FEMININE
    return {
        "org": org,
        "na_org": ("na " if fem else "no ") + org,
        "da_org": ("da " if fem else "do ") + org,
        "A_org": ("A " if fem else "O ") + org,
        "a_org": ("a " if fem else "o ") + org,
    }
