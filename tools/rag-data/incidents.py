"""Incidents the runbooks cover, in each language: what they are called, their signs, steps, and how users ask."""


# Incidents. Per language: `names` (what runbooks call it), `signs`, `contain`, `recover` (steps), and `ask`: how a
# user describes the situation (a clause after "if"/"si"), never used in documents. `log` is a language-neutral
# excerpt over {host}; `family` groups related incidents (the near misses).
INCIDENTS = {
    "ransomware": {
        "family": "malware",
        "log": "{host} smbd[2211]: rename \\\\{host}\\finanzas\\balance.xlsx -> balance.xlsx.lockd\n"
        "{host} smbd[2211]: create \\\\{host}\\finanzas\\LEEME-RECUPERAR.txt\n"
        "{host} vssadmin.exe: Delete Shadows /All /Quiet",
        "es": {
            "names": ["ransomware", "secuestro de datos por cifrado", "cifrado malicioso de archivos"],
            "signs": [
                "archivos renombrados con una extensión desconocida",
                "notas de rescate repartidas en varias carpetas compartidas",
                "borrado de las instantáneas de volumen (`vssadmin delete shadows`)",
            ],
            "contain": [
                "Aislar de la red los equipos afectados sin apagarlos, para conservar la memoria",
                "Deshabilitar las cuentas con las que se lanzó el cifrado",
                "Cortar el acceso a los recursos compartidos afectados",
                "Pausar los trabajos de respaldo para que no sobrescriban copias sanas",
            ],
            "recover": [
                "Restaurar desde el último respaldo inmutable verificado",
                "Reinstalar los equipos desde una imagen limpia",
                "No pagar el rescate ni negociar sin autorización de la gerencia legal",
            ],
            "ask": [
                "los documentos del servidor aparecieron bloqueados y alguien pide un pago en criptomonedas",
                "un virus dejó todas las carpetas ilegibles con una nota exigiendo dinero",
                "aparece un mensaje de rescate y no podemos abrir las planillas del disco compartido",
            ],
        },
        "pt": {
            "names": ["ransomware", "sequestro de dados por criptografia"],
            "signs": [
                "arquivos renomeados com uma extensão desconhecida",
                "notas de resgate espalhadas pelas pastas compartilhadas",
                "exclusão das cópias de sombra (`vssadmin delete shadows`)",
            ],
            "contain": [
                "Isolar da rede as máquinas afetadas sem desligá-las, para preservar a memória",
                "Desativar as contas usadas para disparar a criptografia",
                "Cortar o acesso aos compartilhamentos afetados",
                "Pausar as rotinas de backup para não sobrescrever cópias íntegras",
            ],
            "recover": [
                "Restaurar a partir do último backup imutável verificado",
                "Reinstalar as máquinas a partir de uma imagem limpa",
                "Não pagar o resgate nem negociar sem autorização do jurídico",
            ],
            "ask": [
                "os documentos do servidor ficaram travados e alguém pede pagamento em criptomoeda",
                "um vírus deixou as pastas ilegíveis com um bilhete exigindo dinheiro",
                "aparece uma mensagem de resgate e não conseguimos abrir as planilhas do disco compartilhado",
            ],
        },
        "en": {
            "names": ["ransomware", "ransomware encryption"],
            "signs": [
                "files renamed with an unknown extension",
                "ransom notes dropped across shared folders",
                "volume shadow copies deleted (`vssadmin delete shadows`)",
            ],
            "contain": [
                "Isolate affected machines from the network without powering them off, to keep memory",
                "Disable the accounts used to launch the encryption",
                "Cut access to the affected file shares",
                "Pause backup jobs so they do not overwrite clean copies",
            ],
            "recover": [
                "Restore from the latest verified immutable backup",
                "Rebuild machines from a clean image",
                "Do not pay or negotiate without sign-off from legal",
            ],
            "ask": [
                "the server's documents got locked and someone wants a crypto payment",
                "a virus made every folder unreadable and left a note asking for money",
                "a ransom message popped up and nobody can open the spreadsheets on the shared drive",
            ],
        },
    },
    "phishing": {
        "family": "email",
        "log": "{host} postfix/smtpd: sender_domain=m1crosoft-login.example rcpt_count=212 subject=\"Verifique su cuenta\"\n"
        "{host} proxy: GET https://m1crosoft-login.example/owa/auth.php 200 user=svc-ventas",
        "es": {
            "names": ["phishing", "suplantación por correo electrónico", "correo fraudulento"],
            "signs": [
                "reportes de usuarios por mensajes que piden validar la cuenta",
                "visitas del proxy a dominios recién registrados que imitan el portal corporativo",
                "inicios de sesión desde países donde no hay personal",
            ],
            "contain": [
                "Retirar el mensaje de todos los buzones con la búsqueda de contenido",
                "Bloquear el dominio y la URL del enlace en el proxy y en el filtro de correo",
                "Forzar el cambio de clave y cerrar sesiones de quienes hicieron clic",
                "Revisar reglas de reenvío creadas en los buzones afectados",
            ],
            "recover": [
                "Confirmar que el segundo factor sigue activo en las cuentas afectadas",
                "Enviar un aviso a toda la organización con una captura del mensaje",
                "Reportar el dominio falso al registrador",
            ],
            "ask": [
                "varios colegas pusieron su clave en una página falsa que llegó por mail",
                "nos llegó un correo que imitaba al banco y alguien hizo clic en el enlace",
                "un usuario entregó sus credenciales en un formulario que simulaba el portal de la empresa",
            ],
        },
        "pt": {
            "names": ["phishing", "golpe por e-mail"],
            "signs": [
                "usuários relatando mensagens que pedem validação de conta",
                "acessos do proxy a domínios recém-registrados que imitam o portal corporativo",
                "logins de países onde não há funcionários",
            ],
            "contain": [
                "Remover a mensagem de todas as caixas com a busca de conteúdo",
                "Bloquear o domínio e a URL do link no proxy e no filtro de e-mail",
                "Forçar a troca de senha e encerrar as sessões de quem clicou",
                "Verificar regras de encaminhamento criadas nas caixas afetadas",
            ],
            "recover": [
                "Confirmar que o segundo fator continua ativo nas contas afetadas",
                "Enviar um aviso a toda a organização com uma captura da mensagem",
                "Denunciar o domínio falso ao registrador",
            ],
            "ask": [
                "vários colegas digitaram a senha numa página falsa que chegou por e-mail",
                "chegou uma mensagem imitando o banco e alguém clicou no link",
                "um usuário entregou as credenciais num formulário que imitava o portal da empresa",
            ],
        },
        "en": {
            "names": ["phishing", "credential phishing"],
            "signs": [
                "users reporting messages that ask them to validate their account",
                "proxy hits on newly registered domains that mimic the corporate portal",
                "sign-ins from countries where no staff are based",
            ],
            "contain": [
                "Purge the message from every mailbox with a content search",
                "Block the link's domain and URL at the proxy and the mail filter",
                "Force a password change and revoke sessions for everyone who clicked",
                "Check affected mailboxes for new forwarding rules",
            ],
            "recover": [
                "Confirm MFA is still enrolled on the affected accounts",
                "Send a company-wide warning with a screenshot of the lure",
                "Report the fake domain to its registrar",
            ],
            "ask": [
                "several colleagues typed their password into a fake page that came by email",
                "we got a message pretending to be the bank and someone clicked the link",
                "a user handed over their credentials on a form that imitated the company portal",
            ],
        },
    },
    "bec": {
        "family": "email",
        "log": "{host} exchange: New-InboxRule Name=\".\" ForwardTo=external-recipient MarkAsRead=True\n"
        "{host} erp: vendor_bank_change vendor=4410 iban_changed=true requested_by=mail",
        "es": {
            "names": ["fraude del CEO (compromiso de correo empresarial)", "compromiso de correo corporativo (BEC)"],
            "signs": [
                "solicitudes urgentes de transferencia que dicen venir de la gerencia",
                "pedidos de cambio de cuenta bancaria de un proveedor recibidos solo por correo",
                "reglas de buzón que marcan como leídos y reenvían mensajes de pagos",
            ],
            "contain": [
                "Llamar al banco para retener o revertir la transferencia en curso",
                "Suspender todo cambio de datos bancarios de proveedores hasta validarlo por teléfono",
                "Eliminar las reglas de reenvío y cerrar las sesiones del buzón comprometido",
                "Restablecer la clave del buzón y revisar sus accesos de los últimos 30 días",
            ],
            "recover": [
                "Confirmar por un canal independiente cada pago pendiente",
                "Presentar la denuncia ante la policía con los encabezados de los correos",
                "Reforzar el doble control en la tesorería",
            ],
            "ask": [
                "tesorería pagó a una cuenta nueva porque un supuesto gerente lo pidió por mail",
                "un proveedor nos escribió para cambiar su cuenta bancaria y ya transferimos",
                "nos engañaron con un correo que parecía del gerente general para hacer un pago urgente",
            ],
        },
        "pt": {
            "names": ["fraude do CEO (comprometimento de e-mail corporativo)", "comprometimento de e-mail empresarial (BEC)"],
            "signs": [
                "pedidos urgentes de transferência que dizem vir da diretoria",
                "pedidos de troca de conta bancária de fornecedor recebidos só por e-mail",
                "regras de caixa que marcam como lidas e encaminham mensagens de pagamentos",
            ],
            "contain": [
                "Ligar para o banco para bloquear ou estornar a transferência",
                "Suspender qualquer troca de dados bancários de fornecedores até validar por telefone",
                "Excluir as regras de encaminhamento e encerrar as sessões da caixa comprometida",
                "Redefinir a senha da caixa e revisar os acessos dos últimos 30 dias",
            ],
            "recover": [
                "Confirmar por um canal independente cada pagamento pendente",
                "Registrar boletim de ocorrência com os cabeçalhos dos e-mails",
                "Reforçar a dupla aprovação na tesouraria",
            ],
            "ask": [
                "a tesouraria pagou uma conta nova porque um suposto diretor pediu por e-mail",
                "um fornecedor escreveu para trocar a conta bancária e já transferimos",
                "fomos enganados por um e-mail que parecia do presidente pedindo um pagamento urgente",
            ],
        },
        "en": {
            "names": ["business email compromise (BEC)", "CEO fraud"],
            "signs": [
                "urgent wire requests that claim to come from executives",
                "supplier bank-detail changes received by email only",
                "mailbox rules that mark payment emails as read and forward them",
            ],
            "contain": [
                "Call the bank to hold or recall the outgoing wire",
                "Freeze all supplier bank-detail changes until confirmed by phone",
                "Delete the forwarding rules and revoke the compromised mailbox's sessions",
                "Reset the mailbox password and review 30 days of its sign-ins",
            ],
            "recover": [
                "Confirm every pending payment over an independent channel",
                "File a police report with the email headers attached",
                "Tighten dual approval in treasury",
            ],
            "ask": [
                "finance paid a new account because a so-called executive asked by email",
                "a supplier emailed us new bank details and we already sent the money",
                "we were tricked by an email that looked like the CEO's asking for an urgent payment",
            ],
        },
    },
    "stuffing": {
        "family": "logins",
        "log": "{host} nginx: 203.0.113.45 POST /api/login 401 user=cliente8812 ua=python-requests/2.31\n"
        "{host} nginx: 203.0.113.45 POST /api/login 401 user=cliente8813 ua=python-requests/2.31\n"
        "{host} waf: rule=login-velocity ip=203.0.113.45 count=940/5m",
        "es": {
            "names": ["relleno de credenciales (credential stuffing)", "ataque de credenciales filtradas"],
            "signs": [
                "cientos de inicios de sesión fallidos contra cuentas de clientes distintas desde pocas IP",
                "agentes de usuario automatizados en el formulario de ingreso",
                "accesos exitosos seguidos de cambios de correo o de dirección",
            ],
            "contain": [
                "Activar el desafío CAPTCHA y el límite de tasa en el endpoint de ingreso",
                "Bloquear en el WAF las IP y rangos de origen del ataque",
                "Forzar el cambio de clave de las cuentas a las que se entró con éxito",
                "Comparar las cuentas atacadas con listas públicas de filtraciones",
            ],
            "recover": [
                "Ofrecer el segundo factor a todos los clientes",
                "Revertir los cambios de datos hechos desde sesiones fraudulentas",
                "Avisar a los clientes afectados por un canal verificado",
            ],
            "ask": [
                "miles de clientes reciben intentos de acceso con contraseñas de otras filtraciones",
                "bots prueban usuarios y claves robadas en nuestro sitio de clientes",
                "muchas cuentas de clientes fueron tomadas usando claves reutilizadas de otros sitios",
            ],
        },
        "pt": {
            "names": ["credential stuffing", "ataque com credenciais vazadas"],
            "signs": [
                "centenas de logins falhos contra contas de clientes diferentes a partir de poucos IPs",
                "user agents automatizados no formulário de login",
                "acessos bem-sucedidos seguidos de troca de e-mail ou endereço",
            ],
            "contain": [
                "Ativar CAPTCHA e limite de taxa no endpoint de login",
                "Bloquear no WAF os IPs e faixas de origem do ataque",
                "Forçar a troca de senha das contas acessadas com sucesso",
                "Cruzar as contas atacadas com listas públicas de vazamentos",
            ],
            "recover": [
                "Oferecer segundo fator a todos os clientes",
                "Reverter as alterações feitas a partir de sessões fraudulentas",
                "Avisar os clientes afetados por um canal verificado",
            ],
            "ask": [
                "milhares de clientes recebem tentativas de acesso com senhas de outros vazamentos",
                "robôs testam usuários e senhas roubadas no nosso site de clientes",
                "muitas contas de clientes foram tomadas com senhas reutilizadas de outros sites",
            ],
        },
        "en": {
            "names": ["credential stuffing", "leaked-credential attack"],
            "signs": [
                "hundreds of failed logins against different customer accounts from a few IPs",
                "automated user agents on the login form",
                "successful logins followed by email or address changes",
            ],
            "contain": [
                "Turn on CAPTCHA and rate limiting at the login endpoint",
                "Block the attacking IPs and ranges at the WAF",
                "Force a password reset on accounts that were successfully accessed",
                "Match targeted accounts against public breach lists",
            ],
            "recover": [
                "Offer MFA to every customer",
                "Roll back changes made from fraudulent sessions",
                "Notify affected customers through a verified channel",
            ],
            "ask": [
                "thousands of customers see login attempts with passwords from other breaches",
                "bots are trying stolen usernames and passwords on our customer site",
                "many customer accounts were taken over with passwords reused from other sites",
            ],
        },
    },
    "bruteforce": {
        "family": "logins",
        "log": "{host} sshd[3301]: Failed password for root from 198.51.100.23 port 40022 ssh2\n"
        "{host} sshd[3301]: Failed password for admin from 198.51.100.23 port 40023 ssh2\n"
        "{host} sshd[3307]: Accepted password for deploy from 198.51.100.23 port 40391 ssh2",
        "es": {
            "names": ["fuerza bruta contra SSH", "adivinación de contraseñas en servidores"],
            "signs": [
                "ráfagas de `Failed password` en `auth.log` desde una misma dirección",
                "intentos contra usuarios genéricos como root, admin o test",
                "un acceso aceptado desde la IP que venía fallando",
            ],
            "contain": [
                "Bloquear la IP de origen en el firewall perimetral",
                "Deshabilitar el ingreso por contraseña y dejar solo llaves SSH",
                "Revisar `~/.ssh/authorized_keys` y crontab del usuario que logró entrar",
                "Sacar el servidor de internet y publicarlo solo detrás de la VPN",
            ],
            "recover": [
                "Reinstalar el servidor si hubo un acceso exitoso",
                "Rotar las claves de todas las cuentas locales",
                "Activar fail2ban o una regla equivalente",
            ],
            "ask": [
                "un servidor Linux recibe miles de intentos de login por SSH y uno funcionó",
                "alguien está probando claves contra root en una máquina expuesta",
                "una sola IP lleva horas intentando entrar por SSH con distintos usuarios",
            ],
        },
        "pt": {
            "names": ["força bruta contra SSH", "adivinhação de senhas em servidores"],
            "signs": [
                "rajadas de `Failed password` no `auth.log` a partir do mesmo endereço",
                "tentativas contra usuários genéricos como root, admin ou test",
                "um acesso aceito a partir do IP que vinha falhando",
            ],
            "contain": [
                "Bloquear o IP de origem no firewall de borda",
                "Desativar login por senha e deixar apenas chaves SSH",
                "Revisar `~/.ssh/authorized_keys` e o crontab do usuário que entrou",
                "Tirar o servidor da internet e publicá-lo só atrás da VPN",
            ],
            "recover": [
                "Reinstalar o servidor se houve acesso bem-sucedido",
                "Trocar as senhas de todas as contas locais",
                "Ativar o fail2ban ou regra equivalente",
            ],
            "ask": [
                "um servidor Linux recebe milhares de tentativas de login por SSH e uma funcionou",
                "alguém está testando senhas contra o root numa máquina exposta",
                "um único IP passa horas tentando entrar por SSH com usuários diferentes",
            ],
        },
        "en": {
            "names": ["SSH brute force", "password guessing against servers"],
            "signs": [
                "bursts of `Failed password` in `auth.log` from one address",
                "attempts against generic users such as root, admin or test",
                "an accepted login from the address that had been failing",
            ],
            "contain": [
                "Block the source IP at the perimeter firewall",
                "Disable password logins and allow SSH keys only",
                "Check `~/.ssh/authorized_keys` and the crontab of the user who got in",
                "Take the server off the internet and publish it behind the VPN only",
            ],
            "recover": [
                "Rebuild the server if any login succeeded",
                "Rotate the passwords of every local account",
                "Enable fail2ban or an equivalent rule",
            ],
            "ask": [
                "a Linux box gets thousands of SSH login attempts and one of them worked",
                "someone keeps guessing root's password on an exposed machine",
                "a single IP has spent hours trying to get in over SSH with different usernames",
            ],
        },
    },
    "sqli": {
        "family": "web",
        "log": "{host} nginx: 192.0.2.77 GET /productos?id=10%20UNION%20SELECT%20usuario,clave%20FROM%20usuarios-- 200\n"
        "{host} postgres: ERROR: each UNION query must have the same number of columns",
        "es": {
            "names": ["inyección SQL en aplicaciones web", "ataque de inyección SQL"],
            "signs": [
                "peticiones con `UNION SELECT`, comillas o comentarios `--` en los parámetros",
                "errores de sintaxis de la base de datos en los registros de la aplicación",
                "consultas inusualmente lentas o volcados grandes de una tabla",
            ],
            "contain": [
                "Activar en el WAF la regla de bloqueo para el parámetro atacado",
                "Quitar al usuario de la aplicación los permisos de escritura y de esquema que no necesita",
                "Tomar una copia de los registros del servidor web y de la base de datos",
                "Si hubo extracción de datos, dejar la aplicación en modo mantenimiento",
            ],
            "recover": [
                "Corregir la consulta con parámetros enlazados (prepared statements)",
                "Rotar las credenciales de la base de datos",
                "Evaluar con legal si los datos extraídos obligan a notificar",
            ],
            "ask": [
                "el sitio web muestra errores de base de datos y parece que sacaron la tabla de usuarios",
                "alguien manipula los parámetros de la URL para leer datos de la BD",
                "un escáner externo logró volcar la base de datos a través de un formulario de búsqueda",
            ],
        },
        "pt": {
            "names": ["injeção de SQL em aplicações web", "ataque de injeção SQL"],
            "signs": [
                "requisições com `UNION SELECT`, aspas ou comentários `--` nos parâmetros",
                "erros de sintaxe do banco nos logs da aplicação",
                "consultas lentas demais ou despejos grandes de uma tabela",
            ],
            "contain": [
                "Ativar no WAF a regra de bloqueio para o parâmetro atacado",
                "Retirar do usuário da aplicação as permissões de escrita e de esquema que ele não usa",
                "Guardar uma cópia dos logs do servidor web e do banco",
                "Se houve extração de dados, colocar a aplicação em manutenção",
            ],
            "recover": [
                "Corrigir a consulta com parâmetros vinculados (prepared statements)",
                "Trocar as credenciais do banco de dados",
                "Avaliar com o jurídico se os dados extraídos exigem notificação",
            ],
            "ask": [
                "o site mostra erros de banco de dados e parece que levaram a tabela de usuários",
                "alguém manipula os parâmetros da URL para ler dados do banco",
                "um scanner externo conseguiu extrair o banco de dados por um formulário de busca",
            ],
        },
        "en": {
            "names": ["SQL injection against web applications", "SQL injection attack"],
            "signs": [
                "requests carrying `UNION SELECT`, quotes or `--` comments in parameters",
                "database syntax errors in the application logs",
                "unusually slow queries or large dumps of one table",
            ],
            "contain": [
                "Enable the WAF blocking rule for the targeted parameter",
                "Strip the application's database user of write and schema rights it does not need",
                "Take a copy of the web server and database logs",
                "If data was extracted, put the application into maintenance mode",
            ],
            "recover": [
                "Fix the query with bound parameters (prepared statements)",
                "Rotate the database credentials",
                "Check with legal whether the extracted data must be reported",
            ],
            "ask": [
                "the website shows database errors and it looks like the users table was dumped",
                "someone is tampering with URL parameters to read data out of the DB",
                "an outside scanner managed to dump the database through a search form",
            ],
        },
    },
    "ddos": {
        "family": "web",
        "log": "{host} edge: rps=48210 (baseline 900) top_src=ASN64500 path=/ status_5xx=61%\n"
        "{host} lb: backend pool 'web' unhealthy 3/3",
        "es": {
            "names": ["denegación de servicio distribuida (DDoS)", "ataque volumétrico"],
            "signs": [
                "tráfico decenas de veces mayor que la línea base",
                "errores 502 y 503 en el balanceador",
                "solicitudes que llegan desde miles de direcciones de un mismo sistema autónomo",
            ],
            "contain": [
                "Activar la protección anti-DDoS del proveedor de red o de la CDN",
                "Aplicar límites de tasa y desafíos JavaScript en el borde",
                "Bloquear por geografía o por ASN el origen del tráfico si el negocio lo permite",
                "Escalar horizontalmente el servicio mientras dura el ataque",
            ],
            "recover": [
                "Volver gradualmente a la configuración normal del borde",
                "Revisar si el ataque sirvió de distracción para otra intrusión",
                "Documentar los volúmenes y la duración para el proveedor",
            ],
            "ask": [
                "la página de clientes se cae por una avalancha de tráfico",
                "el sitio no responde porque miles de IP lo saturan a la vez",
                "el tráfico se disparó cien veces y el balanceador devuelve errores 503",
            ],
        },
        "pt": {
            "names": ["negação de serviço distribuída (DDoS)", "ataque volumétrico"],
            "signs": [
                "tráfego dezenas de vezes acima da linha de base",
                "erros 502 e 503 no balanceador",
                "requisições vindas de milhares de endereços do mesmo sistema autônomo",
            ],
            "contain": [
                "Ativar a proteção anti-DDoS do provedor de rede ou da CDN",
                "Aplicar limites de taxa e desafios JavaScript na borda",
                "Bloquear por geografia ou por ASN a origem do tráfego se o negócio permitir",
                "Escalar horizontalmente o serviço durante o ataque",
            ],
            "recover": [
                "Voltar aos poucos à configuração normal da borda",
                "Verificar se o ataque foi distração para outra invasão",
                "Documentar volumes e duração para o provedor",
            ],
            "ask": [
                "o site dos clientes cai com uma avalanche de tráfego",
                "o portal não responde porque milhares de IPs o saturam ao mesmo tempo",
                "o tráfego subiu cem vezes e o balanceador devolve erros 503",
            ],
        },
        "en": {
            "names": ["distributed denial of service (DDoS)", "volumetric attack"],
            "signs": [
                "traffic tens of times above baseline",
                "502 and 503 errors at the load balancer",
                "requests from thousands of addresses in the same autonomous system",
            ],
            "contain": [
                "Turn on the network provider's or CDN's DDoS protection",
                "Apply rate limits and JavaScript challenges at the edge",
                "Geo-block or ASN-block the source if the business allows it",
                "Scale the service out for the duration of the attack",
            ],
            "recover": [
                "Return the edge to its normal configuration step by step",
                "Check whether the attack was cover for another intrusion",
                "Record volumes and duration for the provider",
            ],
            "ask": [
                "the customer site keeps falling over under a flood of traffic",
                "the website stops answering because thousands of IPs hammer it at once",
                "traffic jumped a hundredfold and the load balancer returns 503 errors",
            ],
        },
    },
    "laptop": {
        "family": "devices",
        "log": "{host} mdm: device=NB-2231 last_seen=3d encryption=on lock_command=sent wipe_command=queued\n"
        "{host} idp: revoke_sessions user=nb-2231-owner count=7",
        "es": {
            "names": ["pérdida o robo de notebook", "extravío de un equipo portátil"],
            "signs": [
                "aviso del colaborador por el canal de mesa de ayuda",
                "el equipo deja de reportarse a la consola de gestión de dispositivos",
                "accesos desde el equipo después de la hora informada del robo",
            ],
            "contain": [
                "Enviar desde la consola MDM el bloqueo remoto y programar el borrado",
                "Revocar las sesiones y los tokens del usuario en el proveedor de identidad",
                "Confirmar que el disco estaba cifrado antes de la pérdida",
                "Quitar el certificado del equipo de la VPN",
            ],
            "recover": [
                "Entregar un equipo de reemplazo con la imagen estándar",
                "Pedir la denuncia policial si fue un robo",
                "Evaluar si el equipo contenía datos personales sin cifrar",
            ],
            "ask": [
                "a una persona le robaron el computador del trabajo en el metro",
                "un empleado dejó olvidado su portátil en un taxi",
                "se perdió un notebook corporativo con información de clientes",
            ],
        },
        "pt": {
            "names": ["perda ou roubo de notebook", "extravio de equipamento portátil"],
            "signs": [
                "aviso do colaborador pelo canal do service desk",
                "o equipamento para de se reportar ao console de gestão de dispositivos",
                "acessos a partir do equipamento depois do horário informado do roubo",
            ],
            "contain": [
                "Enviar pelo console MDM o bloqueio remoto e agendar a limpeza",
                "Revogar sessões e tokens do usuário no provedor de identidade",
                "Confirmar que o disco estava criptografado antes da perda",
                "Remover o certificado do equipamento da VPN",
            ],
            "recover": [
                "Entregar um equipamento substituto com a imagem padrão",
                "Pedir o boletim de ocorrência em caso de roubo",
                "Avaliar se havia dados pessoais sem criptografia",
            ],
            "ask": [
                "roubaram o computador do trabalho de uma pessoa no metrô",
                "um funcionário esqueceu o laptop num táxi",
                "sumiu um notebook corporativo com informações de clientes",
            ],
        },
        "en": {
            "names": ["lost or stolen laptop", "missing portable device"],
            "signs": [
                "the employee reports it through the service desk",
                "the device stops checking in with the device-management console",
                "activity from the device after the reported time of theft",
            ],
            "contain": [
                "Send a remote lock from the MDM console and queue a wipe",
                "Revoke the user's sessions and tokens at the identity provider",
                "Confirm the disk was encrypted before it went missing",
                "Revoke the device's VPN certificate",
            ],
            "recover": [
                "Issue a replacement built from the standard image",
                "Get a police report if it was stolen",
                "Assess whether the device held unencrypted personal data",
            ],
            "ask": [
                "someone's work computer was stolen on the train",
                "an employee left their notebook behind in a cab",
                "a company laptop holding customer information has gone missing",
            ],
        },
    },
    "apikey": {
        "family": "secrets",
        "log": "{host} git: push repo=integraciones commit=9f3c2e1 file=config/prod.env\n"
        "{host} scanner: secret_found type=api_key prefix=sk_live_ repo=integraciones public=true",
        "es": {
            "names": ["filtración de una clave de API", "exposición de secretos en un repositorio"],
            "signs": [
                "alerta del escáner de secretos sobre un commit",
                "llamadas a la API desde direcciones que no son de la organización",
                "aviso del proveedor de que una credencial apareció en un repositorio público",
            ],
            "contain": [
                "Revocar la clave expuesta en la consola del proveedor y emitir una nueva",
                "Actualizar el secreto en el gestor de secretos y redesplegar los servicios que la usan",
                "Revisar en los registros del proveedor qué se hizo con la clave desde su publicación",
                "Reescribir el historial del repositorio solo después de revocarla",
            ],
            "recover": [
                "Mover todos los secretos del repositorio al gestor de secretos",
                "Agregar un gancho de pre-commit que detecte secretos",
                "Revisar la facturación del proveedor por consumos extraños",
            ],
            "ask": [
                "un desarrollador subió a GitHub un archivo .env con el token de producción",
                "apareció nuestro token de pagos en un repo público",
                "una credencial de un servicio en la nube quedó publicada en internet",
            ],
        },
        "pt": {
            "names": ["vazamento de chave de API", "exposição de segredos em repositório"],
            "signs": [
                "alerta do scanner de segredos sobre um commit",
                "chamadas à API a partir de endereços que não são da organização",
                "aviso do provedor de que uma credencial apareceu num repositório público",
            ],
            "contain": [
                "Revogar a chave exposta no console do provedor e emitir uma nova",
                "Atualizar o segredo no cofre de segredos e reimplantar os serviços que a usam",
                "Verificar nos logs do provedor o que foi feito com a chave desde a publicação",
                "Reescrever o histórico do repositório só depois de revogá-la",
            ],
            "recover": [
                "Levar todos os segredos do repositório para o cofre",
                "Adicionar um hook de pre-commit que detecte segredos",
                "Revisar o faturamento do provedor em busca de consumo estranho",
            ],
            "ask": [
                "um desenvolvedor subiu para o GitHub um arquivo .env com o token de produção",
                "nosso token de pagamentos apareceu num repositório público",
                "uma credencial de um serviço de nuvem ficou publicada na internet",
            ],
        },
        "en": {
            "names": ["leaked API key", "secret exposed in a repository"],
            "signs": [
                "a secret-scanner alert on a commit",
                "API calls from addresses outside the organisation",
                "a provider notice that a credential showed up in a public repository",
            ],
            "contain": [
                "Revoke the exposed key in the provider's console and issue a new one",
                "Update the secret in the secrets manager and redeploy the services using it",
                "Check the provider's logs for what the key did since it was published",
                "Rewrite repository history only after the key is revoked",
            ],
            "recover": [
                "Move every secret out of the repository into the secrets manager",
                "Add a pre-commit hook that detects secrets",
                "Review the provider's billing for odd usage",
            ],
            "ask": [
                "a developer pushed a .env file with the production token to GitHub",
                "our payments token turned up in a public repo",
                "a cloud service credential ended up published on the internet",
            ],
        },
    },
    "exfil": {
        "family": "secrets",
        "log": "{host} dlp: user=u-3390 action=upload dest=drive.personal.example size=2.3GB files=4120 label=CONFIDENCIAL\n"
        "{host} proxy: CONNECT drive.personal.example:443 bytes_out=2468120221",
        "es": {
            "names": ["fuga de información por personal interno", "exfiltración de datos por un usuario interno"],
            "signs": [
                "alertas de DLP por cargas grandes a almacenamientos personales",
                "descargas masivas del CRM fuera del horario habitual",
                "uso de dispositivos USB no autorizados",
            ],
            "contain": [
                "Suspender las credenciales del usuario en coordinación con Recursos Humanos",
                "Preservar la evidencia: registros de DLP, proxy y del CRM, con cadena de custodia",
                "Bloquear el destino de las cargas en el proxy",
                "Solicitar al proveedor del almacenamiento externo la retención de los archivos",
            ],
            "recover": [
                "Determinar qué datos salieron y a quién pertenecen",
                "Evaluar con legal las notificaciones a clientes y autoridades",
                "Revisar los permisos de acceso del área para que sigan el mínimo privilegio",
            ],
            "ask": [
                "un empleado que renunció se llevó la base de clientes a su nube personal",
                "alguien de adentro está sacando documentos confidenciales de la empresa",
                "detectamos que un trabajador copió miles de archivos internos a un pendrive antes de irse",
            ],
        },
        "pt": {
            "names": ["vazamento de informações por colaborador interno", "exfiltração de dados por usuário interno"],
            "signs": [
                "alertas de DLP por envios grandes a armazenamentos pessoais",
                "downloads em massa do CRM fora do horário habitual",
                "uso de dispositivos USB não autorizados",
            ],
            "contain": [
                "Suspender as credenciais do usuário junto com o RH",
                "Preservar as evidências: logs de DLP, proxy e CRM, com cadeia de custódia",
                "Bloquear o destino dos envios no proxy",
                "Pedir ao provedor do armazenamento externo a retenção dos arquivos",
            ],
            "recover": [
                "Determinar quais dados saíram e a quem pertencem",
                "Avaliar com o jurídico as notificações a clientes e autoridades",
                "Revisar as permissões da área para seguir o menor privilégio",
            ],
            "ask": [
                "um funcionário que pediu demissão levou a base de clientes para a nuvem pessoal",
                "alguém de dentro está tirando documentos confidenciais da empresa",
                "percebemos que um funcionário copiou milhares de arquivos internos para um pendrive antes de sair",
            ],
        },
        "en": {
            "names": ["insider data exfiltration", "data theft by an insider"],
            "signs": [
                "DLP alerts on large uploads to personal storage",
                "bulk CRM exports outside normal hours",
                "unauthorised USB devices",
            ],
            "contain": [
                "Suspend the user's credentials together with HR",
                "Preserve DLP, proxy and CRM logs with a chain of custody",
                "Block the upload destination at the proxy",
                "Ask the external storage provider to preserve the files",
            ],
            "recover": [
                "Work out which data left and whose it is",
                "Decide with legal on notices to customers and regulators",
                "Review the team's access rights against least privilege",
            ],
            "ask": [
                "an employee who resigned copied the customer database to a personal cloud drive",
                "someone inside is smuggling confidential documents out of the company",
                "we found that a staff member copied thousands of internal files to a USB stick before leaving",
            ],
        },
    },
}
