package dev.forja.samples;

import java.util.List;
import java.util.Map;

/**
 * How {@link VulnReportCorpus} tells each weakness: six phrasings per CWE, each an English and a Spanish clause with
 * {@code {c}} for the component and {@code {p}} for the parameter. Phrasings 0 to 3 build the training split;
 * phrasings 4 and 5 only ever appear in validation, so a model is scored on wordings it never saw: 4 is another account
 * of the mechanism (often with an API or format name training never mentions), 5 names the effect an attacker gets
 * rather than the weakness.
 *
 * <p>Some classes are close on purpose, as in NVD: CWE-79 (XSS in general: attributes, event handlers, stored or
 * reflected) against CWE-80 (script tags left in a page), CWE-89 (SQL) against CWE-564 (the same through Hibernate
 * HQL/JPQL), CWE-22 (any path, often absolute) against CWE-23 (relative {@code ../} sequences), path traversal
 * against command injection on a file name, SSRF against open redirect on a URL parameter, hard-coded credentials
 * against improper authentication.
 */
final class CwePhrasings {
    /** Phrasings with an index below this are for training; the others are held out for validation. */
    static final int TRAIN_PHRASINGS = 4;

    /** An English and a Spanish phrasing of the same account. */
    record Phrasing(String en, String es) {}

    private CwePhrasings() {}

    private static Phrasing p(String en, String es) {
        return new Phrasing(en, es);
    }

    static final Map<String, List<Phrasing>> BY_CWE = Map.ofEntries(
            Map.entry(
                    "CWE-22",
                    List.of(
                            p(
                                    "a path traversal vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de path traversal en el parámetro '{p}' del {c}"),
                            p(
                                    "improper limitation of a pathname to a restricted directory in the {c}",
                                    "limitación incorrecta de una ruta a un directorio restringido en el {c}"),
                            p(
                                    "the {c} opens whatever absolute path is given in '{p}', such as /etc/shadow",
                                    "el {c} abre cualquier ruta absoluta indicada en '{p}', como /etc/shadow"),
                            p(
                                    "the {c} does not check that the file named in '{p}' stays inside its storage "
                                            + "directory",
                                    "el {c} no comprueba que el archivo indicado en '{p}' quede dentro de su "
                                            + "directorio de almacenamiento"),
                            p(
                                    "a directory traversal flaw lets the '{p}' value of the {c} point to any location "
                                            + "on the filesystem, for example C:\\Windows\\win.ini",
                                    "una falla de recorrido de directorios permite que el valor de '{p}' del {c} "
                                            + "apunte a cualquier ubicación del sistema de archivos, por ejemplo "
                                            + "C:\\Windows\\win.ini"),
                            p(
                                    "the {c} returns the contents of any file on the server whose full name is placed "
                                            + "in '{p}'",
                                    "el {c} devuelve el contenido de cualquier archivo del servidor cuyo nombre "
                                            + "completo se coloque en '{p}'"))),
            Map.entry(
                    "CWE-23",
                    List.of(
                            p(
                                    "a relative path traversal vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de path traversal relativo en el parámetro '{p}' del {c}"),
                            p(
                                    "the {c} does not strip '../' sequences from the '{p}' parameter",
                                    "el {c} no elimina las secuencias '../' del parámetro '{p}'"),
                            p(
                                    "the {c} resolves dot-dot segments in '{p}' relative to its working directory",
                                    "el {c} resuelve los segmentos punto-punto de '{p}' relativos a su directorio de "
                                            + "trabajo"),
                            p(
                                    "a value like '..\\..\\config.ini' in '{p}' escapes the template folder of the {c}",
                                    "un valor como '..\\..\\config.ini' en '{p}' escapa de la carpeta de plantillas "
                                            + "del {c}"),
                            p(
                                    "the {c} removes '../' only once, so '....//' in '{p}' still climbs to parent "
                                            + "directories",
                                    "el {c} elimina '../' una sola vez, por lo que '....//' en '{p}' todavía sube a "
                                            + "directorios superiores"),
                            p(
                                    "repeating '..%2f' in '{p}' makes the {c} serve files from above the document root",
                                    "repetir '..%2f' en '{p}' hace que el {c} sirva archivos situados por encima de la "
                                            + "raíz de documentos"))),
            Map.entry(
                    "CWE-78",
                    List.of(
                            p(
                                    "an OS command injection vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de inyección de comandos del sistema operativo en el "
                                            + "parámetro '{p}' del {c}"),
                            p(
                                    "the {c} passes '{p}' to a system shell without neutralizing metacharacters",
                                    "el {c} pasa '{p}' a una shell del sistema sin neutralizar los metacaracteres"),
                            p(
                                    "the {c} builds a ping command line from the '{p}' value",
                                    "el {c} arma una línea de comando ping con el valor de '{p}'"),
                            p(
                                    "the file name in '{p}' is inserted into a tar invocation run by the {c}",
                                    "el nombre de archivo de '{p}' se inserta en una invocación de tar que ejecuta el "
                                            + "{c}"),
                            p(
                                    "improper neutralization of special elements used in an OS command: the {c} "
                                            + "hands '{p}' to Runtime.exec through sh -c",
                                    "neutralización incorrecta de elementos especiales usados en un comando del "
                                            + "sistema: el {c} entrega '{p}' a Runtime.exec mediante sh -c"),
                            p(
                                    "appending a semicolon and `id` to '{p}' makes the {c} print the output of that "
                                            + "program on the host",
                                    "agregar un punto y coma y `id` a '{p}' hace que el {c} muestre la salida de ese "
                                            + "programa en el equipo"))),
            Map.entry(
                    "CWE-79",
                    List.of(
                            p(
                                    "a cross-site scripting (XSS) vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de cross-site scripting (XSS) en el parámetro '{p}' del {c}"),
                            p(
                                    "improper neutralization of input during web page generation in the {c}",
                                    "neutralización incorrecta de la entrada durante la generación de páginas web en "
                                            + "el {c}"),
                            p(
                                    "the {c} reflects '{p}' into an HTML attribute without encoding quotes, so an "
                                            + "onmouseover handler can be added",
                                    "el {c} refleja '{p}' dentro de un atributo HTML sin codificar las comillas, por "
                                            + "lo que se puede agregar un manejador onmouseover"),
                            p(
                                    "stored input in the {c} is rendered to other users without output encoding",
                                    "la entrada almacenada en el {c} se muestra a otros usuarios sin codificación de "
                                            + "salida"),
                            p(
                                    "text saved through '{p}' in the {c} is later written unescaped into a "
                                            + "javascript: link",
                                    "el texto guardado mediante '{p}' en el {c} se escribe luego sin escapar en un "
                                            + "enlace javascript:"),
                            p(
                                    "a crafted link to the {c} makes the victim's browser run attacker-supplied "
                                            + "JavaScript through an event handler in '{p}'",
                                    "un enlace manipulado al {c} hace que el navegador de la víctima ejecute "
                                            + "JavaScript del atacante mediante un manejador de eventos en '{p}'"))),
            Map.entry(
                    "CWE-80",
                    List.of(
                            p(
                                    "improper neutralization of script-related HTML tags (basic XSS) in the {c}",
                                    "neutralización incorrecta de etiquetas HTML relacionadas con scripts (XSS "
                                            + "básico) en el {c}"),
                            p(
                                    "the {c} does not remove <script> tags from the '{p}' parameter",
                                    "el {c} no elimina las etiquetas <script> del parámetro '{p}'"),
                            p(
                                    "the tag filter of the {c} strips <b> and <i> but lets <script> elements in '{p}' "
                                            + "through",
                                    "el filtro de etiquetas del {c} elimina <b> e <i> pero deja pasar elementos "
                                            + "<script> en '{p}'"),
                            p(
                                    "a comment containing <script>alert(1)</script> is shown unchanged by the {c}",
                                    "un comentario que contiene <script>alert(1)</script> se muestra sin cambios en "
                                            + "el {c}"),
                            p(
                                    "the {c} escapes quotes in '{p}' yet leaves SCRIPT and IFRAME tags intact in the "
                                            + "page",
                                    "el {c} escapa las comillas de '{p}' pero deja intactas las etiquetas SCRIPT e "
                                            + "IFRAME en la página"),
                            p(
                                    "posting a message with a <script src=...> element to the {c} loads the "
                                            + "attacker's code for every reader",
                                    "publicar un mensaje con un elemento <script src=...> en el {c} carga el código "
                                            + "del atacante para cada lector"))),
            Map.entry(
                    "CWE-89",
                    List.of(
                            p(
                                    "a SQL injection vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de inyección SQL en el parámetro '{p}' del {c}"),
                            p(
                                    "the {c} concatenates '{p}' into a JDBC statement without parameterization",
                                    "el {c} concatena '{p}' en una sentencia JDBC sin parametrizarla"),
                            p(
                                    "improper neutralization of special elements in an SQL command via the '{p}' "
                                            + "parameter of the {c}",
                                    "neutralización incorrecta de elementos especiales de un comando SQL mediante el "
                                            + "parámetro '{p}' del {c}"),
                            p(
                                    "a crafted value of '{p}' alters the WHERE clause built by the {c}",
                                    "un valor manipulado de '{p}' altera la cláusula WHERE que construye el {c}"),
                            p(
                                    "the {c} places '{p}' unescaped inside a raw ORDER BY expression sent to MySQL",
                                    "el {c} coloca '{p}' sin escapar dentro de una expresión ORDER BY que se envía a "
                                            + "MySQL"),
                            p(
                                    "appending a UNION SELECT to '{p}' makes the {c} list the password hashes of all "
                                            + "users",
                                    "agregar un UNION SELECT a '{p}' hace que el {c} liste los hashes de contraseña de "
                                            + "todos los usuarios"))),
            Map.entry(
                    "CWE-564",
                    List.of(
                            p(
                                    "SQL injection through Hibernate in the '{p}' parameter of the {c}",
                                    "inyección SQL a través de Hibernate en el parámetro '{p}' del {c}"),
                            p(
                                    "the {c} builds an HQL query by concatenating '{p}' and passes it to createQuery",
                                    "el {c} construye una consulta HQL concatenando '{p}' y la pasa a createQuery"),
                            p(
                                    "an HQL injection in the Hibernate DAO behind the {c}",
                                    "una inyección HQL en el DAO de Hibernate detrás del {c}"),
                            p(
                                    "the '{p}' filter of the {c} is appended to a JPQL string instead of bound as a "
                                            + "named parameter",
                                    "el filtro '{p}' del {c} se agrega a una cadena JPQL en lugar de vincularse como "
                                            + "parámetro con nombre"),
                            p(
                                    "the ORM layer of the {c} interpolates '{p}' into a Session.createQuery string",
                                    "la capa ORM del {c} interpola '{p}' en una cadena de Session.createQuery"),
                            p(
                                    "adding ' or '1'='1 to '{p}' makes the entity search of the {c} return every "
                                            + "mapped object, whatever its owner",
                                    "agregar ' or '1'='1 a '{p}' hace que la búsqueda de entidades del {c} devuelva "
                                            + "todos los objetos mapeados, sin importar su dueño"))),
            Map.entry(
                    "CWE-287",
                    List.of(
                            p("improper authentication in the {c}", "autenticación incorrecta en el {c}"),
                            p(
                                    "the {c} trusts a client-side '{p}' flag to decide whether a user is logged in",
                                    "el {c} confía en un indicador '{p}' del cliente para decidir si el usuario "
                                            + "inició sesión"),
                            p(
                                    "the {c} does not validate the signature of session tokens",
                                    "el {c} no valida la firma de los tokens de sesión"),
                            p(
                                    "an authentication bypass in the {c} when the '{p}' header is empty",
                                    "un bypass de autenticación en el {c} cuando la cabecera '{p}' está vacía"),
                            p(
                                    "the {c} accepts a JWT whose alg field is none as proof of identity",
                                    "el {c} acepta un JWT cuyo campo alg es none como prueba de identidad"),
                            p(
                                    "requests to the {c} that omit the password field entirely are treated as logged "
                                            + "in",
                                    "las peticiones al {c} que omiten por completo el campo de contraseña se tratan "
                                            + "como sesiones iniciadas"))),
            Map.entry(
                    "CWE-352",
                    List.of(
                            p(
                                    "a cross-site request forgery (CSRF) vulnerability in the {c}",
                                    "una vulnerabilidad de falsificación de peticiones en sitios cruzados (CSRF) en "
                                            + "el {c}"),
                            p(
                                    "state-changing requests of the {c} do not verify an anti-forgery token or the "
                                            + "origin",
                                    "las peticiones que cambian estado en el {c} no verifican un token "
                                            + "anti-falsificación ni el origen"),
                            p(
                                    "the {c} performs actions on GET requests that a third-party page can trigger",
                                    "el {c} ejecuta acciones en peticiones GET que una página de terceros puede "
                                            + "disparar"),
                            p(
                                    "the {c} accepts a forged form submission from another site while the victim is "
                                            + "logged in",
                                    "el {c} acepta un formulario falsificado desde otro sitio mientras la víctima "
                                            + "tiene la sesión iniciada"),
                            p(
                                    "the password change form of the {c} carries no per-session nonce and ignores the "
                                            + "Referer header",
                                    "el formulario de cambio de contraseña del {c} no lleva un nonce por sesión e "
                                            + "ignora la cabecera Referer"),
                            p(
                                    "visiting a malicious web page while signed in to the {c} silently adds a new "
                                            + "administrator",
                                    "visitar una página web maliciosa con la sesión iniciada en el {c} agrega en "
                                            + "silencio un nuevo administrador"))),
            Map.entry(
                    "CWE-434",
                    List.of(
                            p(
                                    "unrestricted upload of a file with a dangerous type in the {c}",
                                    "subida sin restricciones de archivos de tipo peligroso en el {c}"),
                            p(
                                    "the {c} accepts files with a .php or .jsp extension and stores them under the "
                                            + "web root",
                                    "el {c} acepta archivos con extensión .php o .jsp y los guarda bajo la raíz web"),
                            p(
                                    "the {c} checks only the Content-Type of an uploaded file",
                                    "el {c} solo comprueba el Content-Type del archivo subido"),
                            p(
                                    "the avatar upload of the {c} does not validate the file extension",
                                    "la subida de avatares del {c} no valida la extensión del archivo"),
                            p(
                                    "the attachment handler of the {c} blocks .php but not .phtml or .phar files, "
                                            + "which the server then executes",
                                    "el manejador de adjuntos del {c} bloquea .php pero no los archivos .phtml o "
                                            + ".phar, que luego el servidor ejecuta"),
                            p(
                                    "a web shell sent as a profile picture to the {c} can afterwards be requested "
                                            + "directly and runs on the server",
                                    "una web shell enviada como foto de perfil al {c} puede pedirse después "
                                            + "directamente y se ejecuta en el servidor"))),
            Map.entry(
                    "CWE-502",
                    List.of(
                            p(
                                    "deserialization of untrusted data in the {c}",
                                    "deserialización de datos no confiables en el {c}"),
                            p(
                                    "the {c} deserializes Java objects received in the '{p}' field",
                                    "el {c} deserializa objetos Java recibidos en el campo '{p}'"),
                            p(
                                    "the {c} loads a pickled object supplied by the client",
                                    "el {c} carga un objeto pickle enviado por el cliente"),
                            p(
                                    "a crafted serialized payload in the session cookie is instantiated by the {c}",
                                    "un payload serializado manipulado en la cookie de sesión es instanciado por el "
                                            + "{c}"),
                            p(
                                    "the {c} calls ObjectInputStream.readObject on the '{p}' body without a class "
                                            + "allow-list",
                                    "el {c} llama a ObjectInputStream.readObject sobre el cuerpo '{p}' sin una lista "
                                            + "de clases permitidas"),
                            p(
                                    "a gadget chain built with ysoserial and sent in '{p}' to the {c} spawns a process "
                                            + "on the server",
                                    "una cadena de gadgets generada con ysoserial y enviada en '{p}' al {c} lanza un "
                                            + "proceso en el servidor"))),
            Map.entry(
                    "CWE-601",
                    List.of(
                            p(
                                    "an open redirect vulnerability in the '{p}' parameter of the {c}",
                                    "una vulnerabilidad de redirección abierta en el parámetro '{p}' del {c}"),
                            p(
                                    "the {c} redirects to the URL in '{p}' without checking its domain",
                                    "el {c} redirige a la URL de '{p}' sin comprobar su dominio"),
                            p(
                                    "URL redirection to an untrusted site via the '{p}' parameter of the {c}",
                                    "redirección de URL a un sitio no confiable mediante el parámetro '{p}' del {c}"),
                            p(
                                    "after login the {c} forwards the user to any address given in '{p}'",
                                    "tras el inicio de sesión el {c} reenvía al usuario a cualquier dirección "
                                            + "indicada en '{p}'"),
                            p(
                                    "the {c} answers with a 302 whose Location header is copied from '{p}'",
                                    "el {c} responde con un 302 cuya cabecera Location se copia de '{p}'"),
                            p(
                                    "a link on the trusted domain of the {c} can send visitors on to a look-alike site "
                                            + "of the attacker's choosing",
                                    "un enlace en el dominio de confianza del {c} puede enviar a los visitantes a un "
                                            + "sitio imitador elegido por el atacante"))),
            Map.entry(
                    "CWE-611",
                    List.of(
                            p(
                                    "an XML external entity (XXE) vulnerability in the {c}",
                                    "una vulnerabilidad de entidad externa XML (XXE) en el {c}"),
                            p(
                                    "the XML parser of the {c} resolves external entities in uploaded documents",
                                    "el analizador XML del {c} resuelve entidades externas en los documentos subidos"),
                            p(
                                    "a DOCTYPE with a SYSTEM entity in an imported file is expanded by the {c}",
                                    "un DOCTYPE con una entidad SYSTEM en un archivo importado es expandido por el "
                                            + "{c}"),
                            p(
                                    "improper restriction of XML external entity references in the {c}",
                                    "restricción incorrecta de referencias a entidades externas XML en el {c}"),
                            p(
                                    "the {c} parses SAML and SOAP bodies with a DocumentBuilderFactory that leaves DTD "
                                            + "processing on",
                                    "el {c} procesa cuerpos SAML y SOAP con un DocumentBuilderFactory que deja activo "
                                            + "el procesamiento de DTD"),
                            p(
                                    "an uploaded .docx whose inner document declares file:///etc/hostname makes the "
                                            + "{c} echo that file's contents",
                                    "un .docx subido cuyo documento interno declara file:///etc/hostname hace que el "
                                            + "{c} muestre el contenido de ese archivo"))),
            Map.entry(
                    "CWE-798",
                    List.of(
                            p("hard-coded credentials in the {c}", "credenciales embebidas en el código del {c}"),
                            p(
                                    "the firmware of the {c} ships a fixed administrator password that the user "
                                            + "cannot change",
                                    "el firmware del {c} incluye una contraseña de administrador fija que el usuario "
                                            + "no puede cambiar"),
                            p(
                                    "a static API key embedded in the {c} binary",
                                    "una clave de API estática incrustada en el binario del {c}"),
                            p(
                                    "a default service account with a password stored in the source code of the {c}",
                                    "una cuenta de servicio por defecto con la contraseña escrita en el código fuente "
                                            + "del {c}"),
                            p(
                                    "the {c} signs its tokens with a secret that is identical on every installation "
                                            + "and appears in the public JAR",
                                    "el {c} firma sus tokens con un secreto idéntico en todas las instalaciones que "
                                            + "aparece en el JAR público"),
                            p(
                                    "anyone who knows the maintenance login printed in the vendor's manual can sign in "
                                            + "to the {c}",
                                    "cualquiera que conozca el usuario de mantenimiento impreso en el manual del "
                                            + "fabricante puede entrar al {c}"))),
            Map.entry(
                    "CWE-918",
                    List.of(
                            p(
                                    "a server-side request forgery (SSRF) vulnerability in the '{p}' parameter of the "
                                            + "{c}",
                                    "una vulnerabilidad de falsificación de peticiones del lado del servidor (SSRF) en "
                                            + "el parámetro '{p}' del {c}"),
                            p(
                                    "the {c} fetches the URL given in '{p}' from the server",
                                    "el {c} descarga desde el servidor la URL indicada en '{p}'"),
                            p(
                                    "the {c} makes outbound HTTP requests to attacker-chosen hosts, including "
                                            + "169.254.169.254",
                                    "el {c} realiza peticiones HTTP salientes a hosts elegidos por el atacante, "
                                            + "incluido 169.254.169.254"),
                            p(
                                    "the webhook test feature of the {c} connects to internal addresses supplied by "
                                            + "the user",
                                    "la prueba de webhooks del {c} se conecta a direcciones internas indicadas por el "
                                            + "usuario"),
                            p(
                                    "the image proxy of the {c} follows redirects to loopback and private ranges when "
                                            + "loading '{p}'",
                                    "el proxy de imágenes del {c} sigue redirecciones hacia loopback y rangos "
                                            + "privados al cargar '{p}'"),
                            p(
                                    "pointing '{p}' at http://localhost:8500 makes the {c} return the response of an "
                                            + "internal admin service",
                                    "apuntar '{p}' a http://localhost:8500 hace que el {c} devuelva la respuesta de un "
                                            + "servicio de administración interno"))));
}
