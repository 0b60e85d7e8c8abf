"""Per-document synonyms, so that documents built from the same frames do not share every word.

Each group lists interchangeable words (same gender and number, so the sentence stays grammatical); a document picks
one word per group and uses it for every member of the group. Headings and fenced blocks are left as they are.
"""

import re

SYNONYMS = {
    "es": [
        ["deshabilitar", "desactivar"],
        ["revisar", "examinar", "verificar"],
        ["registros", "logs"],
        ["equipos", "computadores"],
        ["contraseña", "clave"],
        ["contraseñas", "claves"],
        ["notificar", "informar"],
        ["restaurar", "recuperar"],
        ["reinstalar", "reconstruir"],
        ["plazo", "tiempo límite"],
        ["vulnerabilidad", "debilidad"],
        ["atacante", "adversario"],
        ["obligatorio", "exigido"],
        ["aprobación", "autorización"],
        ["detección", "identificación"],
        ["inmediato", "forma inmediata"],
    ],
    "pt": [
        ["desativar", "desabilitar"],
        ["revisar", "verificar"],
        ["registros", "logs"],
        ["notificar", "informar"],
        ["restaurar", "recuperar"],
        ["máquinas", "estações"],
        ["atacante", "invasor"],
        ["aprovação", "autorização"],
        ["prazo", "limite de tempo"],
        ["obrigatório", "exigido"],
        ["vulnerabilidade", "fragilidade"],
    ],
    "en": [
        ["disable", "deactivate"],
        ["check", "verify"],
        ["attacker", "adversary"],
        ["machines", "hosts"],
        ["notify", "inform"],
        ["restore", "recover"],
        ["approval", "sign-off"],
        ["mandatory", "required"],
        ["vulnerability", "weakness"],
        ["rebuild", "reimage"],
    ],
}


def _match_case(word, like):
    return word[0].upper() + word[1:] if like[0].isupper() else word


def vary(rng, lines, lang):
    """The document's lines with one word of each synonym group chosen for it."""
    choice = {}
    for group in SYNONYMS[lang]:
        pick = rng.choice(group)
        for w in group:
            choice[w] = pick
    pattern = re.compile(r"\b(%s)\b" % "|".join(sorted(choice, key=len, reverse=True)), re.IGNORECASE)
    out, fenced = [], False
    for line in lines:
        if line.startswith("```"):
            fenced = not fenced
        if fenced or line.startswith("#") or line.startswith("```"):
            out.append(line)
            continue
        out.append(pattern.sub(lambda m: _match_case(choice[m.group(0).lower()], m.group(0)), line))
    return out
