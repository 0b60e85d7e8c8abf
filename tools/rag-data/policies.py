"""Security policies of made-up organisations, and the questions each one answers."""

import unicodedata

from topics import CADENCE, FAMILY, PARAMS, TOPICS
from world import TEAMS, org_forms

FRAMES = {
    "es": {
        "title": ["Política de {name} — {org}", "{org}: política de {name}", "Norma interna de {name} ({org})"],
        "meta": "Código: POL-{code} · Versión {ver} · Aprobada en {year}",
        "purpose_h": ["Objetivo", "Propósito"],
        "purpose_more": [
            "Esta política forma parte del sistema de gestión de seguridad de la información de {org}.",
            "Complementa el reglamento interno y los contratos con terceros.",
            "",
        ],
        "scope_h": ["Alcance", "Ámbito"],
        "scope": [
            "Aplica a todos los colaboradores, contratistas y proveedores de {org} que usan sus sistemas.",
            "Rige para todo el personal de {org}, sin importar su tipo de contrato, y para los terceros con acceso a "
            "su información.",
        ],
        "rules_h": ["Lineamientos", "Reglas", "Disposiciones"],
        "config": ["Configuración de referencia:", "Parámetros técnicos aplicados:"],
        "roles_h": ["Responsabilidades", "Roles"],
        "roles": [
            "{team_cap} mantiene esta política y resuelve las dudas sobre su aplicación.",
            "Cada jefatura se asegura de que su equipo conozca estas reglas y las cumpla.",
            "Los usuarios informan de inmediato cualquier incumplimiento que detecten.",
            "Tecnología configura los sistemas para que las reglas se apliquen de forma automática cuando sea posible.",
        ],
        "exceptions_h": ["Excepciones", "Desviaciones autorizadas"],
        "exceptions": [
            "Las excepciones las aprueba {team} por escrito y duran como máximo {exc} días.",
            "Quien no pueda cumplir una regla pide una excepción a {team}, que la registra con fecha de término "
            "(máximo {exc} días).",
        ],
        "compliance_h": ["Cumplimiento", "Sanciones"],
        "compliance": [
            "El incumplimiento puede dar lugar a medidas disciplinarias según el reglamento interno.",
            "Auditoría interna verifica el cumplimiento y reporta las brechas al comité de seguridad.",
        ],
        "review_h": ["Revisión", "Vigencia"],
        "review": "Se revisa una vez al año o ante cambios relevantes en {org}.",
    },
    "pt": {
        "title": ["Política de {name} — {org}", "{org}: política de {name}", "Norma interna de {name} ({org})"],
        "meta": "Código: POL-{code} · Versão {ver} · Aprovada em {year}",
        "purpose_h": ["Objetivo", "Propósito"],
        "purpose_more": ["Esta política faz parte do sistema de gestão de segurança da informação {da_org}.", ""],
        "scope_h": ["Abrangência", "Escopo"],
        "scope": [
            "Aplica-se a todos os colaboradores, prestadores e fornecedores {da_org} que usam seus sistemas.",
            "Vale para todo o pessoal {da_org}, qualquer que seja o contrato, e para terceiros com acesso às suas "
            "informações.",
        ],
        "rules_h": ["Diretrizes", "Regras"],
        "config": ["Configuração de referência:", "Parâmetros técnicos aplicados:"],
        "roles_h": ["Responsabilidades", "Papéis"],
        "roles": [
            "{team_cap} mantém esta política e tira dúvidas sobre sua aplicação.",
            "Cada gestor garante que sua equipe conheça e cumpra estas regras.",
            "Os usuários comunicam imediatamente qualquer descumprimento que percebam.",
            "A área de tecnologia configura os sistemas para aplicar as regras automaticamente sempre que possível.",
        ],
        "exceptions_h": ["Exceções"],
        "exceptions": ["As exceções são aprovadas por escrito por {team} e duram no máximo {exc} dias."],
        "compliance_h": ["Cumprimento", "Sanções"],
        "compliance": [
            "O descumprimento pode levar a medidas disciplinares conforme o regulamento interno.",
            "A auditoria interna verifica o cumprimento e reporta as lacunas ao comitê de segurança.",
        ],
        "review_h": ["Revisão", "Vigência"],
        "review": "É revisada uma vez por ano ou diante de mudanças relevantes {na_org}.",
    },
    "en": {
        "title": ["{name_cap} policy — {org}", "{org}: {name} policy", "{org} internal standard: {name}"],
        "meta": "Reference: POL-{code} · Version {ver} · Approved in {year}",
        "purpose_h": ["Purpose", "Objective"],
        "purpose_more": ["This policy is part of {org}'s information security management system.", ""],
        "scope_h": ["Scope", "Applicability"],
        "scope": [
            "It applies to every {org} employee, contractor and supplier who uses its systems.",
            "It binds all {org} staff, whatever their contract, and any third party with access to its information.",
        ],
        "rules_h": ["Requirements", "Rules"],
        "config": ["Reference configuration:", "Technical settings in force:"],
        "roles_h": ["Responsibilities", "Roles"],
        "roles": [
            "{team_cap} owns this policy and answers questions about how it applies.",
            "Every manager makes sure their team knows these rules and follows them.",
            "Users report any breach they notice straight away.",
            "IT configures systems so that the rules are enforced automatically wherever possible.",
        ],
        "exceptions_h": ["Exceptions"],
        "exceptions": ["Exceptions are approved in writing by {team} and last {exc} days at most."],
        "compliance_h": ["Compliance", "Enforcement"],
        "compliance": [
            "Breaches may lead to disciplinary action under the staff handbook.",
            "Internal audit checks compliance and reports gaps to the security committee.",
        ],
        "review_h": ["Review", "Validity"],
        "review": "It is reviewed once a year or whenever {org} changes significantly.",
    },
}

ASK_FAMILY = {
    "es": "¿Qué políticas de {org} tratan sobre {family}?",
    "pt": "Quais políticas {da_org} tratam de {family}?",
    "en": "Which {org} policies deal with {family}?",
}

FAMILIES = {
    "identity": {"es": "identidad y control de accesos", "pt": "identidade e controle de acesso", "en": "identity and access control"},
    "keeping": {"es": "cuánto tiempo se guarda la información", "pt": "por quanto tempo a informação é guardada", "en": "how long information is kept"},
    "remote": {"es": "trabajar fuera de la oficina", "pt": "trabalhar fora do escritório", "en": "working away from the office"},
}


ASK_CODE = {
    "es": ["POL-{code}", "política POL-{code} vigente", "POL-{code} excepciones"],
    "pt": ["POL-{code}", "POL-{code} exceções"],
    "en": ["POL-{code}", "POL-{code} exceptions"],
}


def initials(org):
    """An organisation's initials for policy codes: "Financiera Río Ñuble" -> "FRN"."""
    plain = unicodedata.normalize("NFKD", org).encode("ascii", "ignore").decode()
    return "".join(w[0] for w in plain.split()).upper()


def plan(rng, lang, orgs, count):
    """Policy slots for `count` (organisation, topic) pairs of one language, each pair used once."""
    pairs = rng.sample([(o, t) for o in orgs for t in sorted(TOPICS)], count)
    pairs.sort(key=lambda p: (orgs.index(p[0]), p[1]))
    slots = []
    for org, topic in pairs:
        values = {k: rng.choice(v) for k, v in sorted(PARAMS[topic].items())}
        slots.append(
            {
                "type": "policy",
                "org": org,
                "topic": topic,
                "family": FAMILY.get(topic, topic),
                "values": values,
                "team": rng.randrange(len(TEAMS[lang])),
                "exc": rng.choice([30, 60, 90, 180]),
                "code": "%s-%s-%02d" % (initials(org), topic[:3].upper(), rng.randint(1, 40)),
                "ver": "%d.%d" % (rng.randint(1, 5), rng.randint(0, 9)),
                "year": rng.choice([2022, 2023, 2024, 2025]),
            }
        )
    return slots


def render(rng, s, lang):
    """One policy as Markdown lines."""
    F = FRAMES[lang]
    t = TOPICS[s["topic"]][lang]
    name = rng.choice(t["names"])
    v = s["values"]
    f = dict(s, **v, **org_forms(s["org"]), name=name, name_cap=name[0].upper() + name[1:], team=TEAMS[lang][s["team"]])
    f["team_cap"] = f["team"][0].upper() + f["team"][1:]
    if "cadence" in v:
        f["cadence_w"] = CADENCE[lang][v["cadence"]]
    out = ["# " + rng.choice(F["title"]).format(**f), "", F["meta"].format(**f), ""]
    more = rng.choice(F["purpose_more"]).format(**f)
    out += ["## " + rng.choice(F["purpose_h"]), "", (t["purpose"].format(**f) + " " + more).strip(), ""]
    out += ["## " + rng.choice(F["scope_h"]), "", rng.choice(F["scope"]).format(**f), ""]
    rules = list(t["rules"])
    rng.shuffle(rules)
    out += ["## " + rng.choice(F["rules_h"]), ""] + ["- " + r.format(**f) for r in rules] + [""]
    if rng.random() < 0.5:
        out += [rng.choice(F["config"]), "", "```yaml", "%s:" % s["topic"]]
        out += ["  %s: %s" % (k, v[k]) for k in sorted(v)] + ["```", ""]
    roles = rng.sample(F["roles"], 3)
    out += ["## " + rng.choice(F["roles_h"]), ""] + ["- " + r.format(**f) for r in roles] + [""]
    out += ["## " + rng.choice(F["exceptions_h"]), "", rng.choice(F["exceptions"]).format(**f), ""]
    out += ["## " + rng.choice(F["compliance_h"]), "", rng.choice(F["compliance"]), ""]
    out += ["## " + rng.choice(F["review_h"]), "", F["review"].format(**f), ""]
    return out


def questions(rng, s, qlang):
    """One question this policy answers: (kind, query, key)."""
    if rng.random() < 0.2:  # keyword style: the policy's code
        return "code", rng.choice(ASK_CODE[qlang]).format(code=s["code"]), {"type": "policy", "code": s["code"]}
    q = rng.choice(TOPICS[s["topic"]][qlang]["ask"]).format(**org_forms(s["org"]))
    return "rule", q, {"type": "policy", "org": s["org"], "topic": s["topic"]}


def family_question(s, qlang):
    """A question about all of an organisation's policies in one family (1 to 3 documents), or None."""
    if s["family"] not in FAMILIES:
        return None
    q = ASK_FAMILY[qlang].format(family=FAMILIES[s["family"]][qlang], **org_forms(s["org"]))
    return "family", q, {"type": "policy", "org": s["org"], "family": s["family"]}
