"""Incident-response runbooks of made-up organisations, and the questions each one answers."""

from incidents import INCIDENTS
from world import EDRS, SIEMS, TEAMS, TICKETS, org_forms

FRAMES = {
    "es": {
        "title": ["Runbook: {name} — {org}", "Procedimiento de respuesta ante {name} ({org})", "{org} · Guía de actuación frente a {name}"],
        "intro": [
            "Este procedimiento indica cómo debe actuar el personal de {org} ante un caso de {name}. Lo ejecuta {team} "
            "con apoyo de las áreas dueñas de los sistemas afectados.",
            "{org} mantiene esta guía para que cualquier analista de turno pueda responder a un incidente de {name} de "
            "forma ordenada y sin improvisar.",
            "Objetivo: contener y resolver un evento de {name} en {org}, reduciendo el impacto en la operación y "
            "conservando la evidencia para un análisis posterior.",
        ],
        "scope_h": ["Alcance", "Cuándo usar este runbook", "Ámbito de aplicación"],
        "scope": [
            "Aplica a todos los sistemas de {org} monitoreados por {siem} y a los equipos protegidos con {edr}.",
            "Se activa cuando {siem} o {edr} generan una alerta relacionada, o cuando un usuario informa un caso "
            "sospechoso a la mesa de ayuda.",
        ],
        "signs_h": ["Señales de detección", "Indicadores", "Cómo se detecta"],
        "signs": ["Señales habituales:", "Indicadores que deben encender la alarma:", "Se considera sospechoso observar:"],
        "contain_h": ["Contención inmediata", "Primeros pasos", "Contención"],
        "evidence_h": ["Evidencia de ejemplo", "Registro típico"],
        "evidence": ["Extracto de {siem} de un caso anterior en `{host}`:", "Así se vio en `{host}` la última vez:"],
        "recover_h": ["Erradicación y recuperación", "Recuperación", "Vuelta a la normalidad"],
        "escalate_h": ["Escalamiento y comunicación", "A quién avisar", "Notificaciones"],
        "notify": [
            "Notificar a {team} en un máximo de {hours} horas desde la detección.",
            "El plazo para informar a {team} es de {hours} horas.",
        ],
        "ticket": ["Abrir un ticket en {ticket} con prioridad {prio}.", "Registrar el caso en {ticket} (prioridad {prio})."],
        "privacy": "Si hay datos personales comprometidos, la Oficina de Protección de Datos decide si se notifica a la "
        "autoridad.",
        "close_h": ["Cierre", "Lecciones aprendidas"],
        "close": [
            "A más tardar {review} días después del cierre se hace una reunión de lecciones aprendidas y se actualiza "
            "este documento.",
            "Dentro de los {review} días siguientes al cierre, {team} revisa qué funcionó y corrige este runbook.",
        ],
        "footer": "Versión {ver} · revisado en {year}.",
    },
    "pt": {
        "title": ["Runbook: {name} — {org}", "Procedimento de resposta a {name} ({org})", "{org} · Guia de atuação diante de {name}"],
        "intro": [
            "Este procedimento explica como a equipe {da_org} deve agir diante de um caso de {name}. Quem executa é "
            "{team}, com apoio das áreas donas dos sistemas afetados.",
            "{A_org} mantém este guia para que qualquer analista de plantão consiga responder a um incidente de {name} "
            "de forma organizada.",
        ],
        "scope_h": ["Escopo", "Quando usar este runbook"],
        "scope": [
            "Vale para todos os sistemas {da_org} monitorados pelo {siem} e para as máquinas protegidas pelo {edr}.",
            "É acionado quando o {siem} ou o {edr} geram um alerta relacionado, ou quando um usuário relata um caso "
            "suspeito ao service desk.",
        ],
        "signs_h": ["Sinais de detecção", "Indicadores"],
        "signs": ["Sinais comuns:", "Indicadores que devem acender o alerta:"],
        "contain_h": ["Contenção imediata", "Primeiros passos"],
        "evidence_h": ["Evidência de exemplo", "Registro típico"],
        "evidence": ["Trecho do {siem} de um caso anterior em `{host}`:", "Assim apareceu em `{host}` da última vez:"],
        "recover_h": ["Erradicação e recuperação", "Recuperação"],
        "escalate_h": ["Escalonamento e comunicação", "Quem avisar"],
        "notify": [
            "Notificar {team} em no máximo {hours} horas a partir da detecção.",
            "O prazo para informar {team} é de {hours} horas.",
        ],
        "ticket": ["Abrir um chamado no {ticket} com prioridade {prio}.", "Registrar o caso no {ticket} (prioridade {prio})."],
        "privacy": "Se houver dados pessoais comprometidos, o Escritório de Proteção de Dados decide sobre a "
        "comunicação à ANPD.",
        "close_h": ["Encerramento", "Lições aprendidas"],
        "close": [
            "Em até {review} dias após o encerramento acontece uma reunião de lições aprendidas e este documento é "
            "atualizado.",
            "Nos {review} dias seguintes ao encerramento, {team} revisa o que funcionou e corrige este runbook.",
        ],
        "footer": "Versão {ver} · revisado em {year}.",
    },
    "en": {
        "title": ["Runbook: {name} — {org}", "{org} response procedure: {name}", "{org} playbook for {name}"],
        "intro": [
            "This procedure tells {org} staff how to act on a case of {name}. It is run by {team}, supported by the "
            "owners of the affected systems.",
            "{org} keeps this playbook so that any on-shift analyst can handle a {name} incident in an orderly way.",
        ],
        "scope_h": ["Scope", "When to use this runbook"],
        "scope": [
            "It covers every {org} system monitored by {siem} and every machine protected by {edr}.",
            "It starts when {siem} or {edr} raises a related alert, or when a user reports a suspicious case to the "
            "service desk.",
        ],
        "signs_h": ["Detection", "Indicators"],
        "signs": ["Typical signs:", "Indicators that should raise the alarm:"],
        "contain_h": ["Immediate containment", "First steps"],
        "evidence_h": ["Sample evidence", "Typical log"],
        "evidence": ["{siem} excerpt from an earlier case on `{host}`:", "What it looked like on `{host}` last time:"],
        "recover_h": ["Eradication and recovery", "Recovery"],
        "escalate_h": ["Escalation and communication", "Who to tell"],
        "notify": [
            "Notify {team} within {hours} hours of detection.",
            "{team_cap} must be informed no later than {hours} hours after detection.",
        ],
        "ticket": ["Open a {prio} ticket in {ticket}.", "Log the case in {ticket} at priority {prio}."],
        "privacy": "If personal data is involved, the Data Protection Office decides whether the regulator is "
        "notified.",
        "close_h": ["Closure", "Lessons learned"],
        "close": [
            "Within {review} days of closure, hold a lessons-learned meeting and update this document.",
            "In the {review} days after closure, {team} reviews what worked and corrects this runbook.",
        ],
        "footer": "Version {ver} · reviewed in {year}.",
    },
}

ASK = {
    "es": {
        "steps": ["¿Qué hago en {org} si {ask}?", "{org}: {ask}. ¿Cuál es el procedimiento?", "Pasos a seguir en {org} cuando {ask}"],
        "notify": ["¿En cuántas horas hay que avisar en {org} cuando {ask}?", "¿Qué plazo tengo en {org} para reportar que {ask}?"],
        "escalate": ["¿A quién escalo en {org} si {ask}?", "¿Qué equipo de {org} se hace cargo cuando {ask}?"],
        "keyword": ["runbook {ask} {org}", "procedimiento {ask} {org}"],
        "family": "¿Qué procedimientos tiene {org} para {family}?",
    },
    "pt": {
        "steps": ["O que faço {na_org} se {ask}?", "{org}: {ask}. Qual é o procedimento?"],
        "notify": ["Em quantas horas é preciso avisar {na_org} quando {ask}?"],
        "escalate": ["Para quem escalo {na_org} se {ask}?", "Qual equipe {da_org} assume quando {ask}?"],
        "keyword": ["runbook {ask} {org}", "procedimento {ask} {org}"],
        "family": "Quais procedimentos {a_org} tem para {family}?",
    },
    "en": {
        "steps": ["What do I do at {org} if {ask}?", "{org}: {ask}. What is the procedure?"],
        "notify": ["How many hours do we have at {org} to report it when {ask}?"],
        "escalate": ["Who do I escalate to at {org} if {ask}?", "Which {org} team takes over when {ask}?"],
        "keyword": ["{org} {ask} runbook", "{ask} playbook {org}"],
        "family": "Which procedures does {org} have for {family}?",
    },
}

FAMILIES = {
    "email": {"es": "ataques por correo electrónico", "pt": "ataques por e-mail", "en": "email-borne attacks"},
    "logins": {"es": "ataques contra contraseñas y accesos", "pt": "ataques contra senhas e logins", "en": "attacks on passwords and logins"},
    "web": {"es": "ataques contra sus sitios web", "pt": "ataques contra seus sites", "en": "attacks on its websites"},
    "secrets": {"es": "fugas de credenciales o de datos", "pt": "vazamentos de credenciais ou dados", "en": "leaks of credentials or data"},
}


def plan(rng, lang, orgs, count):
    """Runbook slots for `count` (organisation, incident) pairs of one language, each pair used once."""
    pairs = [(o, i) for o in orgs for i in sorted(INCIDENTS)]
    pairs = rng.sample(pairs, count)
    pairs.sort(key=lambda p: (orgs.index(p[0]), p[1]))
    slots = []
    for org, incident in pairs:
        slots.append(
            {
                "type": "runbook",
                "org": org,
                "incident": incident,
                "family": INCIDENTS[incident]["family"],
                "team": rng.randrange(len(TEAMS[lang])),
                "hours": rng.choice([1, 2, 4, 8, 12, 24]),
                "prio": rng.choice(["P1", "P2", "P3"]),
                "siem": rng.choice(SIEMS),
                "edr": rng.choice(EDRS),
                "ticket": rng.choice(TICKETS),
                "host": rng.choice(["srv-fs01", "web-prd-02", "mail-gw1", "app-core-3", "vpn-edge", "nb-ops-17"]),
                "review": rng.choice([5, 10, 15, 30]),
                "ver": "%d.%d" % (rng.randint(1, 4), rng.randint(0, 9)),
                "year": rng.choice([2023, 2024, 2025]),
            }
        )
    return slots


def render(rng, s, lang):
    """One runbook as Markdown lines."""
    F = FRAMES[lang]
    inc = INCIDENTS[s["incident"]]
    t = inc[lang]
    team = TEAMS[lang][s["team"]]
    f = dict(s, **org_forms(s["org"]), name=rng.choice(t["names"]), team=team, team_cap=team[0].upper() + team[1:])
    out = ["# " + rng.choice(F["title"]).format(**f), "", rng.choice(F["intro"]).format(**f), ""]
    out += ["## " + rng.choice(F["scope_h"]), "", rng.choice(F["scope"]).format(**f), ""]
    signs = rng.sample(t["signs"], len(t["signs"]))
    out += ["## " + rng.choice(F["signs_h"]), "", rng.choice(F["signs"])] + ["- " + x for x in signs] + [""]
    out += ["## " + rng.choice(F["contain_h"]), ""]
    out += ["%d. %s." % (n + 1, x) for n, x in enumerate(t["contain"])] + [""]
    if rng.random() < 0.8:
        out += ["## " + rng.choice(F["evidence_h"]), "", rng.choice(F["evidence"]).format(**f), ""]
        out += ["```", inc["log"].format(host=s["host"]), "```", ""]
    out += ["## " + rng.choice(F["recover_h"]), ""] + ["- %s." % x for x in t["recover"]] + [""]
    out += ["## " + rng.choice(F["escalate_h"]), ""]
    out += ["- " + rng.choice(F["notify"]).format(**f), "- " + rng.choice(F["ticket"]).format(**f)]
    if s["family"] in ("secrets", "devices", "web"):
        out += ["- " + F["privacy"]]
    out += ["", "## " + rng.choice(F["close_h"]), "", rng.choice(F["close"]).format(**f), ""]
    out += [F["footer"].format(**f), ""]
    return out


def questions(rng, s, qlang):
    """One question this runbook answers: (kind, query, key)."""
    A = ASK[qlang]
    ask = rng.choice(INCIDENTS[s["incident"]][qlang]["ask"])
    kind = rng.choice(["steps", "steps", "notify", "escalate", "keyword"])
    if kind == "keyword":
        name = rng.choice(INCIDENTS[s["incident"]][qlang]["names"])
        ask = name.split(" (")[0]
    q = rng.choice(A[kind]).format(ask=ask, **org_forms(s["org"]))
    return kind, q, {"type": "runbook", "org": s["org"], "incident": s["incident"]}


def family_question(s, qlang):
    """A question about all of an organisation's runbooks in one family (1 to 3 documents), or None."""
    if s["family"] not in FAMILIES:
        return None
    q = ASK[qlang]["family"].format(family=FAMILIES[s["family"]][qlang], **org_forms(s["org"]))
    return "family", q, {"type": "runbook", "org": s["org"], "family": s["family"]}
