"""Policy topics, in each language: names, purpose, rules over numeric slots, and the questions users ask."""

# Values each topic's slots are drawn from.
PARAMS = {
    "passwords": {"min_len": [10, 12, 14, 16], "rotation": [90, 180, 365], "lockout": [5, 8, 10], "history": [5, 10, 24]},
    "backups": {"retention": [30, 35, 90, 180], "offsite": [1, 2], "restore": [1, 3, 6], "rpo": [4, 12, 24]},
    "access_review": {"cadence": [3, 6, 12], "revoke": [1, 2, 5], "priv": [1, 3]},
    "remote_work": {"lock": [5, 10, 15], "countries": [1, 3], "abroad": [15, 30, 60]},
    "data_retention": {"logs": [1, 2, 3], "customers": [5, 6, 10], "cv": [6, 12, 24]},
    "vendor_access": {"max_days": [30, 60, 90], "notice": [24, 48, 72], "audit": [6, 12]},
    "patching": {"critical": [3, 7, 14], "high": [15, 30], "other": [60, 90]},
    "logging": {"retention": [90, 180, 365, 730], "drift": [1, 5], "alert": [15, 30, 60]},
    "mobile": {"pin": [6, 8], "wipe": [8, 10, 15], "os_behind": [2, 3]},
    "encryption": {"tls": ["1.2", "1.3"], "key_rot": [12, 24], "hash": ["SHA-256", "SHA-384"]},
}

FAMILY = {
    "passwords": "identity",
    "access_review": "identity",
    "vendor_access": "identity",
    "backups": "keeping",
    "data_retention": "keeping",
    "logging": "keeping",
    "remote_work": "remote",
    "mobile": "remote",
}

CADENCE = {
    "es": {1: "todos los meses", 3: "cada tres meses", 6: "cada seis meses", 12: "una vez al año"},
    "pt": {1: "todo mês", 3: "a cada três meses", 6: "a cada seis meses", 12: "uma vez por ano"},
    "en": {1: "every month", 3: "every quarter", 6: "every six months", 12: "once a year"},
}

TOPICS = {
    "passwords": {
        "es": {
            "names": ["contraseñas", "gestión de claves de acceso"],
            "purpose": "Definir cómo se crean, guardan y cambian las contraseñas de las cuentas de {org}.",
            "rules": [
                "Toda contraseña tiene al menos {min_len} caracteres; se recomiendan frases de paso.",
                "Las claves se cambian cada {rotation} días o de inmediato si hay sospecha de compromiso.",
                "Tras {lockout} intentos fallidos la cuenta se bloquea durante 15 minutos.",
                "No se pueden reutilizar las últimas {history} contraseñas.",
                "El segundo factor de autenticación es obligatorio para correo, VPN y consolas de administración.",
            ],
            "ask": [
                "¿Cuántos caracteres como mínimo pide {org} para una clave?",
                "¿Cada cuánto hay que renovar el password en {org}?",
                "¿Cuántos intentos fallidos bloquean una cuenta en {org}?",
            ],
        },
        "pt": {
            "names": ["senhas", "gestão de senhas"],
            "purpose": "Definir como as senhas das contas {da_org} são criadas, guardadas e trocadas.",
            "rules": [
                "Toda senha tem pelo menos {min_len} caracteres; frases-senha são recomendadas.",
                "As senhas são trocadas a cada {rotation} dias ou na hora se houver suspeita de comprometimento.",
                "Após {lockout} tentativas falhas a conta é bloqueada por 15 minutos.",
                "Não é permitido reutilizar as últimas {history} senhas.",
                "O segundo fator é obrigatório para e-mail, VPN e consoles de administração.",
            ],
            "ask": [
                "Quantos caracteres no mínimo {a_org} exige numa senha?",
                "De quanto em quanto tempo é preciso trocar a senha {na_org}?",
            ],
        },
        "en": {
            "names": ["passwords", "password management"],
            "purpose": "Set out how passwords for {org} accounts are created, stored and changed.",
            "rules": [
                "Every password is at least {min_len} characters long; passphrases are encouraged.",
                "Passwords change every {rotation} days, or at once if compromise is suspected.",
                "After {lockout} failed attempts the account is locked for 15 minutes.",
                "The last {history} passwords cannot be reused.",
                "Multi-factor authentication is mandatory for email, VPN and admin consoles.",
            ],
            "ask": [
                "What is the minimum password length at {org}?",
                "How often do passwords have to be changed at {org}?",
            ],
        },
    },
    "backups": {
        "es": {
            "names": ["respaldos", "copias de seguridad"],
            "purpose": "Asegurar que {org} pueda recuperar su información ante fallas, errores o ataques.",
            "rules": [
                "Los sistemas críticos se respaldan con un punto de recuperación de {rpo} horas como máximo.",
                "Las copias se conservan {retention} días.",
                "Se mantienen {offsite} copias fuera del sitio principal, una de ellas inmutable.",
                "Cada {restore} meses se prueba una restauración completa y se documenta el resultado.",
            ],
            "ask": [
                "¿Cuánto tiempo guarda {org} los backups?",
                "¿Cada cuánto prueba {org} que los respaldos se pueden restaurar?",
                "¿Cuánta información puede perder {org} como máximo si falla un sistema crítico?",
            ],
        },
        "pt": {
            "names": ["backups", "cópias de segurança"],
            "purpose": "Garantir que {a_org} consiga recuperar suas informações diante de falhas, erros ou ataques.",
            "rules": [
                "Os sistemas críticos têm ponto de recuperação de no máximo {rpo} horas.",
                "As cópias são mantidas por {retention} dias.",
                "São mantidas {offsite} cópias fora do site principal, uma delas imutável.",
                "A cada {restore} meses testa-se uma restauração completa, com o resultado documentado.",
            ],
            "ask": ["Por quanto tempo {a_org} guarda os backups?", "De quanto em quanto tempo {a_org} testa a restauração?"],
        },
        "en": {
            "names": ["backups", "data backup"],
            "purpose": "Make sure {org} can recover its information after failures, mistakes or attacks.",
            "rules": [
                "Critical systems have a recovery point objective of {rpo} hours at most.",
                "Backups are retained for {retention} days.",
                "{offsite} copies are kept away from the main site, one of them immutable.",
                "A full restore is tested every {restore} months and the result recorded.",
            ],
            "ask": ["How long does {org} keep its backups?", "How often does {org} test restoring from backup?"],
        },
    },
    "access_review": {
        "es": {
            "names": ["revisión de accesos", "recertificación de permisos"],
            "purpose": "Comprobar que en {org} cada persona tenga solo los permisos que su función necesita.",
            "rules": [
                "Los jefes de área recertifican los accesos de su equipo {cadence_w}.",
                "Las cuentas privilegiadas se revisan cada {priv} meses.",
                "Al terminar un contrato, los accesos se retiran en un plazo de {revoke} días hábiles.",
                "Los permisos no recertificados a tiempo se suspenden automáticamente.",
            ],
            "ask": [
                "¿Con qué frecuencia se revisan los permisos de los usuarios en {org}?",
                "Cuando alguien deja {org}, ¿en cuántos días le quitan los accesos?",
            ],
        },
        "pt": {
            "names": ["revisão de acessos", "recertificação de permissões"],
            "purpose": "Verificar que, {na_org}, cada pessoa tenha apenas as permissões de que sua função precisa.",
            "rules": [
                "Os gestores recertificam os acessos de suas equipes {cadence_w}.",
                "As contas privilegiadas são revisadas a cada {priv} meses.",
                "No desligamento, os acessos são removidos em até {revoke} dias úteis.",
                "Permissões não recertificadas no prazo são suspensas automaticamente.",
            ],
            "ask": ["Com que frequência as permissões dos usuários são revisadas {na_org}?"],
        },
        "en": {
            "names": ["access review", "access recertification"],
            "purpose": "Check that everyone at {org} holds only the permissions their role needs.",
            "rules": [
                "Managers recertify their team's access {cadence_w}.",
                "Privileged accounts are reviewed every {priv} months.",
                "When someone leaves, their access is removed within {revoke} working days.",
                "Permissions not recertified on time are suspended automatically.",
            ],
            "ask": ["How often are user permissions reviewed at {org}?", "How fast is a leaver's access removed at {org}?"],
        },
    },
    "remote_work": {
        "es": {
            "names": ["teletrabajo", "trabajo remoto"],
            "purpose": "Fijar las condiciones de seguridad para trabajar fuera de las oficinas de {org}.",
            "rules": [
                "Toda conexión a sistemas internos pasa por la VPN corporativa.",
                "La pantalla se bloquea sola tras {lock} minutos sin uso.",
                "No se usan redes Wi-Fi públicas sin la VPN activa.",
                "Trabajar desde el extranjero más de {abroad} días requiere aprobación de seguridad.",
            ],
            "ask": [
                "¿Puedo trabajar desde otro país con el equipo de {org}?",
                "¿Qué reglas de seguridad pone {org} para hacer home office?",
            ],
        },
        "pt": {
            "names": ["trabalho remoto", "teletrabalho"],
            "purpose": "Estabelecer as condições de segurança para trabalhar fora dos escritórios {da_org}.",
            "rules": [
                "Toda conexão a sistemas internos passa pela VPN corporativa.",
                "A tela bloqueia sozinha após {lock} minutos sem uso.",
                "Redes Wi-Fi públicas só com a VPN ativa.",
                "Trabalhar do exterior por mais de {abroad} dias exige aprovação da segurança.",
            ],
            "ask": ["Posso trabalhar de outro país com o notebook {da_org}?", "Quais as regras de segurança {da_org} para home office?"],
        },
        "en": {
            "names": ["remote work", "working from home"],
            "purpose": "Set the security conditions for working outside {org} offices.",
            "rules": [
                "Every connection to internal systems goes through the corporate VPN.",
                "Screens lock automatically after {lock} minutes idle.",
                "Public Wi-Fi is used only with the VPN on.",
                "Working from abroad for more than {abroad} days needs security approval.",
            ],
            "ask": ["Can I work from another country with my {org} laptop?", "What are {org}'s security rules for home office?"],
        },
    },
    "data_retention": {
        "es": {
            "names": ["retención de datos", "conservación y eliminación de información"],
            "purpose": "Establecer cuánto tiempo guarda {org} cada tipo de información y cómo la elimina.",
            "rules": [
                "Los registros técnicos se conservan {logs} años.",
                "Los datos de clientes se conservan {customers} años después de terminada la relación comercial.",
                "Los currículos de postulantes no seleccionados se eliminan a los {cv} meses.",
                "La eliminación se hace con borrado seguro y queda registrada.",
            ],
            "ask": [
                "¿Por cuántos años guarda {org} la información de un cliente que se fue?",
                "¿Cuándo borra {org} los CV de los candidatos?",
            ],
        },
        "pt": {
            "names": ["retenção de dados", "guarda e descarte de informações"],
            "purpose": "Definir por quanto tempo {a_org} guarda cada tipo de informação e como a descarta.",
            "rules": [
                "Os registros técnicos são mantidos por {logs} anos.",
                "Os dados de clientes são mantidos por {customers} anos após o fim da relação comercial.",
                "Currículos de candidatos não selecionados são apagados após {cv} meses.",
                "O descarte é feito com apagamento seguro e fica registrado.",
            ],
            "ask": ["Por quantos anos {a_org} guarda os dados de um ex-cliente?"],
        },
        "en": {
            "names": ["data retention", "records retention and disposal"],
            "purpose": "Set how long {org} keeps each kind of information and how it is disposed of.",
            "rules": [
                "Technical logs are kept for {logs} years.",
                "Customer data is kept for {customers} years after the relationship ends.",
                "CVs of unsuccessful applicants are deleted after {cv} months.",
                "Disposal uses secure erasure and is recorded.",
            ],
            "ask": ["How many years does {org} keep a former customer's data?", "When does {org} delete job applicants' CVs?"],
        },
    },
    "vendor_access": {
        "es": {
            "names": ["acceso de proveedores", "accesos de terceros"],
            "purpose": "Controlar cómo los proveedores y contratistas acceden a los sistemas de {org}.",
            "rules": [
                "Todo acceso de un tercero tiene una fecha de término y dura como máximo {max_days} días.",
                "El proveedor pide el acceso con {notice} horas de anticipación y lo aprueba el dueño del sistema.",
                "Las sesiones remotas se graban y pasan por el bastión de administración.",
                "Cada {audit} meses se audita la lista de cuentas de terceros.",
            ],
            "ask": [
                "¿Por cuánto tiempo puede tener acceso un contratista externo en {org}?",
                "¿Con cuánta anticipación debe pedir acceso una empresa externa a {org}?",
            ],
        },
        "pt": {
            "names": ["acesso de fornecedores", "acesso de terceiros"],
            "purpose": "Controlar como fornecedores e terceiros acessam os sistemas {da_org}.",
            "rules": [
                "Todo acesso de terceiro tem data de término e dura no máximo {max_days} dias.",
                "O fornecedor solicita o acesso com {notice} horas de antecedência e o dono do sistema aprova.",
                "As sessões remotas são gravadas e passam pelo bastion de administração.",
                "A cada {audit} meses a lista de contas de terceiros é auditada.",
            ],
            "ask": ["Por quanto tempo um prestador externo pode ter acesso {na_org}?"],
        },
        "en": {
            "names": ["vendor access", "third-party access"],
            "purpose": "Control how suppliers and contractors reach {org} systems.",
            "rules": [
                "Every third-party account has an end date and lasts {max_days} days at most.",
                "The vendor requests access {notice} hours in advance and the system owner approves it.",
                "Remote sessions are recorded and go through the admin bastion host.",
                "The list of third-party accounts is audited every {audit} months.",
            ],
            "ask": ["How long can an outside contractor keep access at {org}?"],
        },
    },
    "patching": {
        "es": {
            "names": ["gestión de parches", "actualizaciones de seguridad"],
            "purpose": "Reducir la exposición de {org} a vulnerabilidades conocidas aplicando parches a tiempo.",
            "rules": [
                "Los parches críticos se instalan dentro de {critical} días desde su publicación.",
                "Los de severidad alta, dentro de {high} días.",
                "El resto se aplica en la ventana mensual, con un plazo máximo de {other} días.",
                "Los sistemas que no pueden parcharse quedan aislados y con una excepción aprobada.",
            ],
            "ask": [
                "¿Cuántos días tiene {org} para aplicar una actualización crítica?",
                "¿Qué plazo da {org} para corregir una vulnerabilidad de severidad alta?",
            ],
        },
        "pt": {
            "names": ["gestão de patches", "atualizações de segurança"],
            "purpose": "Reduzir a exposição {da_org} a vulnerabilidades conhecidas aplicando patches no prazo.",
            "rules": [
                "Patches críticos são instalados em até {critical} dias após a publicação.",
                "Os de severidade alta, em até {high} dias.",
                "Os demais entram na janela mensal, com prazo máximo de {other} dias.",
                "Sistemas que não podem ser corrigidos ficam isolados e com exceção aprovada.",
            ],
            "ask": ["Quantos dias {a_org} tem para aplicar uma atualização crítica?"],
        },
        "en": {
            "names": ["patch management", "security updates"],
            "purpose": "Reduce {org}'s exposure to known vulnerabilities by patching on time.",
            "rules": [
                "Critical patches are installed within {critical} days of release.",
                "High-severity ones within {high} days.",
                "Everything else goes into the monthly window, {other} days at most.",
                "Systems that cannot be patched are isolated under an approved exception.",
            ],
            "ask": ["How many days does {org} allow to install a critical update?"],
        },
    },
    "logging": {
        "es": {
            "names": ["registro y monitoreo", "gestión de logs"],
            "purpose": "Garantizar que {org} conserve los registros necesarios para detectar e investigar incidentes.",
            "rules": [
                "Los registros de seguridad se envían al SIEM central y se conservan {retention} días.",
                "Los relojes se sincronizan por NTP con una desviación máxima de {drift} segundos.",
                "Las acciones de administradores quedan registradas sin posibilidad de edición.",
                "Una fuente que deja de enviar registros genera una alerta a los {alert} minutos.",
            ],
            "ask": [
                "¿Cuántos días mantiene {org} los logs de seguridad?",
                "¿Qué pasa en {org} si un servidor deja de mandar registros al SIEM?",
            ],
        },
        "pt": {
            "names": ["registro e monitoramento", "gestão de logs"],
            "purpose": "Garantir que {a_org} guarde os registros necessários para detectar e investigar incidentes.",
            "rules": [
                "Os logs de segurança vão para o SIEM central e são mantidos por {retention} dias.",
                "Os relógios são sincronizados por NTP com desvio máximo de {drift} segundos.",
                "As ações de administradores ficam registradas sem possibilidade de edição.",
                "Uma fonte que para de enviar logs gera alerta em {alert} minutos.",
            ],
            "ask": ["Por quantos dias {a_org} mantém os logs de segurança?"],
        },
        "en": {
            "names": ["logging and monitoring", "log management"],
            "purpose": "Make sure {org} keeps the records needed to detect and investigate incidents.",
            "rules": [
                "Security logs are shipped to the central SIEM and kept for {retention} days.",
                "Clocks are synchronised over NTP to within {drift} seconds.",
                "Administrator actions are recorded in a tamper-proof way.",
                "A source that stops sending logs raises an alert after {alert} minutes.",
            ],
            "ask": ["How many days does {org} retain security logs?"],
        },
    },
    "mobile": {
        "es": {
            "names": ["dispositivos móviles", "uso de celulares y tabletas"],
            "purpose": "Proteger la información de {org} a la que se accede desde teléfonos y tabletas.",
            "rules": [
                "Solo se permite el correo corporativo en equipos inscritos en el MDM.",
                "El desbloqueo exige un PIN de {pin} dígitos o biometría.",
                "Tras {wipe} intentos fallidos el equipo borra los datos corporativos.",
                "El sistema operativo no puede estar más de {os_behind} versiones mayores atrás.",
            ],
            "ask": [
                "¿Puedo leer el mail de {org} en mi teléfono personal?",
                "¿Qué largo de PIN exige {org} en los celulares?",
            ],
        },
        "pt": {
            "names": ["dispositivos móveis", "uso de celulares e tablets"],
            "purpose": "Proteger as informações {da_org} acessadas por celulares e tablets.",
            "rules": [
                "O e-mail corporativo só é permitido em aparelhos inscritos no MDM.",
                "O desbloqueio exige PIN de {pin} dígitos ou biometria.",
                "Após {wipe} tentativas falhas o aparelho apaga os dados corporativos.",
                "O sistema operacional não pode estar mais de {os_behind} versões principais atrás.",
            ],
            "ask": ["Posso ler o e-mail {da_org} no meu celular pessoal?"],
        },
        "en": {
            "names": ["mobile devices", "phones and tablets"],
            "purpose": "Protect {org} information accessed from phones and tablets.",
            "rules": [
                "Corporate email is allowed only on devices enrolled in MDM.",
                "Unlocking requires a {pin}-digit PIN or biometrics.",
                "After {wipe} failed attempts the device wipes corporate data.",
                "The operating system may be at most {os_behind} major versions behind.",
            ],
            "ask": ["Can I read {org} email on my personal phone?", "What PIN length does {org} require on phones?"],
        },
    },
    "encryption": {
        "es": {
            "names": ["cifrado", "uso de criptografía"],
            "purpose": "Definir cómo {org} protege con criptografía la información almacenada y en tránsito.",
            "rules": [
                "Los discos de notebooks y servidores usan cifrado completo AES-256.",
                "Las conexiones externas usan TLS {tls} o superior.",
                "Las llaves de cifrado se rotan cada {key_rot} meses y se guardan en un HSM.",
                "Para integridad se usa {hash}; MD5 y SHA-1 están prohibidos.",
            ],
            "ask": [
                "¿Qué versión mínima de TLS acepta {org}?",
                "¿Cada cuánto rota {org} las llaves criptográficas?",
            ],
        },
        "pt": {
            "names": ["criptografia", "uso de criptografia"],
            "purpose": "Definir como {a_org} protege com criptografia as informações armazenadas e em trânsito.",
            "rules": [
                "Discos de notebooks e servidores usam criptografia completa AES-256.",
                "Conexões externas usam TLS {tls} ou superior.",
                "As chaves são trocadas a cada {key_rot} meses e guardadas em HSM.",
                "Para integridade usa-se {hash}; MD5 e SHA-1 são proibidos.",
            ],
            "ask": ["Qual a versão mínima de TLS aceita {na_org}?"],
        },
        "en": {
            "names": ["encryption", "use of cryptography"],
            "purpose": "Set how {org} protects stored and in-transit information with cryptography.",
            "rules": [
                "Laptop and server disks use AES-256 full-disk encryption.",
                "External connections use TLS {tls} or later.",
                "Keys are rotated every {key_rot} months and held in an HSM.",
                "{hash} is used for integrity; MD5 and SHA-1 are banned.",
            ],
            "ask": ["What is the minimum TLS version {org} accepts?", "How often does {org} rotate its encryption keys?"],
        },
    },
}
