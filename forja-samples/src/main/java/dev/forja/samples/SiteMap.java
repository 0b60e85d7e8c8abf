package dev.forja.samples;

import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The endpoints of three imaginary Latin American sites (a shop, a bank, a government portal) and the values their
 * parameters take in ordinary use. Attacks are injected into the same endpoints and parameters, so the path and the
 * parameter name do not give the label away.
 */
final class SiteMap {

    /** One endpoint; {@code {id}} and {@code {slug}} in the path are filled per request. */
    record Endpoint(String method, String path, List<String> params) {}

    static final List<Endpoint> ENDPOINTS = List.of(
            new Endpoint("GET", "/es/productos", List.of("categoria", "pagina", "orden")),
            new Endpoint("GET", "/es/productos/{slug}", List.of("color", "talla")),
            new Endpoint("GET", "/buscar", List.of("q", "pagina")),
            new Endpoint("GET", "/api/v1/productos", List.of("categoria", "q", "pagina", "limit")),
            new Endpoint("POST", "/carrito/agregar", List.of("sku", "cantidad")),
            new Endpoint("GET", "/api/v1/pedidos/{id}", List.of()),
            new Endpoint("POST", "/checkout/pago", List.of("email", "monto")),
            new Endpoint("GET", "/es/mi-cuenta/pedidos", List.of("pagina", "estado")),
            new Endpoint("GET", "/login", List.of("redirect")),
            new Endpoint("POST", "/api/v1/resenas", List.of("sku", "nombre", "comentario")),
            new Endpoint("GET", "/descargas", List.of("archivo")),
            new Endpoint("POST", "/banca/personas/login", List.of("rut", "clave")),
            new Endpoint("GET", "/api/v1/clientes/{id}/cuentas", List.of()),
            new Endpoint("POST", "/transferencias/nueva", List.of("cuenta", "monto", "email", "glosa")),
            new Endpoint("GET", "/tarjetas/estado-de-cuenta", List.of("mes", "formato")),
            new Endpoint("GET", "/banca/documentos/descargar", List.of("documento")),
            new Endpoint("GET", "/api/v1/clientes", List.of("rut", "pagina")),
            new Endpoint("GET", "/tramites/consulta", List.of("rut", "tramite")),
            new Endpoint("GET", "/certificados/nacimiento", List.of("curp")),
            new Endpoint("GET", "/api/v2/cpf/consulta", List.of("cpf")),
            new Endpoint("GET", "/agenda/hora", List.of("comuna", "servicio", "fecha")),
            new Endpoint("GET", "/es/noticias", List.of("pagina", "tag")),
            new Endpoint("GET", "/transparencia/documentos", List.of("file")),
            new Endpoint("GET", "/herramientas/diagnostico", List.of("host")),
            new Endpoint("POST", "/contacto", List.of("nombre", "email", "telefono", "mensaje")),
            new Endpoint("GET", "/portal/pagina", List.of("page")),
            new Endpoint("GET", "/api/v1/reportes", List.of("desde", "hasta", "formato")),
            new Endpoint("POST", "/comunidad/preguntas", List.of("titulo", "mensaje")),
            new Endpoint("GET", "/api/v1/imagenes", List.of("ruta", "ancho")));

    /** Requests without parameters: assets, health checks, crawler files. */
    static final List<String> STATIC_PATHS = List.of(
            "/",
            "/es",
            "/favicon.ico",
            "/robots.txt",
            "/sitemap.xml",
            "/static/js/app.3f2a1b.js",
            "/static/js/script.min.js",
            "/static/css/main.8c1d.css",
            "/healthz",
            "/api/v1/ping",
            "/img/productos/{id}-800x800.webp",
            "/.well-known/security.txt",
            "/es/ofertas/cyber-day",
            "/banca/personas",
            "/tramites",
            "/es/ayuda/preguntas-frecuentes",
            "/blog/como-editar-etc-hosts-en-linux",
            "/blog/curso-de-bash-desde-cero",
            "/es/productos/cable-red-cat-6-utp-3m",
            "/es/productos/echo-dot-5",
            "/api/v1/alertas",
            "/api/v1/usuarios/me",
            "/evaluaciones/docentes",
            "/static/fonts/roboto.woff2");

    /** Search terms, including hard negatives: SQL, HTML and shell words in ordinary shopping or help searches. */
    static final List<String> SEARCHES = List.of(
            "zapatillas running mujer",
            "notebook gamer 16gb",
            "celular samsung a54",
            "polera oversize negra",
            "calle O'Higgins 1234",
            "cafe D'Angelo",
            "select de vinos reserva",
            "mesa de centro y sillas",
            "polera drop de hombro",
            "curso de script bash",
            "zapatillas nike OR adidas",
            "pack 2x1 AND despacho gratis",
            "tratado Unión Europea",
            "insert de madera para chimenea",
            "almohada sleep well",
            "parrilla char-broil",
            "regalo <3 dia de los enamorados",
            "curso javascript basico",
            "alerta de seguridad banco",
            "cable cat 5e",
            "ping alto en juegos",
            "echo dot alexa",
            "bash para principiantes",
            "wget descargar archivo",
            "/etc/hosts como editar",
            "olvidé mi passwd",
            "error win.ini",
            "tubería 1/2 & codo",
            "McDonald's cupones",
            "crema para rizos curl",
            "tabla de surf 7'2",
            "como borrar (delete) cuenta",
            "update app banco",
            "televisor 55\" 4k",
            "audífonos bluetooth",
            "silla ergonómica",
            "libro cien años de soledad",
            "botas de lluvia niño",
            "impresora hp 2375",
            "iframe youtube en wordpress",
            "union de tuberias pvc",
            "order by precio",
            "cafetera 12 tazas",
            "jeans 42-44",
            "bicicleta aro 29",
            "colchón 2 plazas");

    static final List<String> MESSAGES = List.of(
            "Hola, no puedo descargar mi cartola de marzo",
            "Excelente producto, llegó rápido",
            "¿Cómo hago un SELECT con WHERE fecha > '2024-01-01' en Excel?",
            "El pago quedó pendiente, necesito ayuda",
            "mi <script src=app.js> no carga en el sitio de prueba, ¿qué hago?",
            "¿Por qué ../img/logo.png no se ve?",
            "Quiero cambiar mi dirección de despacho",
            "La talla 42 me quedó chica, ¿puedo cambiarla?",
            "Solicito información sobre el trámite de licencia",
            "Buen servicio; el despacho tardó 3 días",
            "no me llega el código por SMS",
            "¿El comando ping -c 4 sirve para ver si el sitio está caído?",
            "Reclamo por cobro duplicado en tarjeta",
            "Gracias por la atención",
            "¿Tienen stock en Concepción?");

    private final Random rnd;
    private final SyntheticPii pii;

    SiteMap(Random rnd, SyntheticPii pii) {
        this.rnd = rnd;
        this.pii = pii;
    }

    Endpoint endpoint() {
        return ENDPOINTS.get(rnd.nextInt(ENDPOINTS.size()));
    }

    /** The endpoint's path with its placeholders filled by ordinary values. */
    String path(Endpoint e) {
        return fill(e.path());
    }

    String staticPath() {
        return fill(STATIC_PATHS.get(rnd.nextInt(STATIC_PATHS.size())));
    }

    private String fill(String path) {
        return path.replace("{id}", String.valueOf(1 + rnd.nextInt(99_999)))
                .replace(
                        "{slug}",
                        pick(List.of(
                                "zapatilla-urbana-blanca",
                                "notebook-14-ryzen-5",
                                "polera-basica-algodon",
                                "cafetera-italiana-6-tazas",
                                "mochila-antirrobo-negra")));
    }

    /** An ordinary value for {@code param}; identity numbers and e-mails make part of the corpus carry PII. */
    String value(String param) {
        return switch (param) {
            case "categoria" ->
                pick(List.of(
                        "zapatillas",
                        "poleras",
                        "notebooks",
                        "celulares",
                        "electrohogar",
                        "muebles",
                        "juguetes",
                        "libros",
                        "deportes",
                        "mascotas"));
            case "pagina", "cantidad" -> String.valueOf(1 + rnd.nextInt(param.equals("pagina") ? 20 : 5));
            case "orden" -> pick(List.of("precio_asc", "precio_desc", "relevancia", "nuevos", "mas_vendidos"));
            case "color" -> pick(List.of("negro", "blanco", "azul", "rojo", "gris"));
            case "talla" -> pick(List.of("S", "M", "L", "XL", "38", "40", "42"));
            case "q", "titulo" -> pick(SEARCHES);
            case "limit", "ancho" -> pick(List.of("10", "20", "50", "100", "320", "640"));
            case "sku" -> pick(List.of("ZAP", "POL", "NBK", "CEL", "MUE")) + "-" + pii.digits(5);
            case "email" -> pii.email();
            case "monto" -> String.valueOf(1000 * (5 + rnd.nextInt(1500)));
            case "estado" -> pick(List.of("pendiente", "enviado", "entregado", "anulado"));
            case "redirect" ->
                pick(List.of("/es/mi-cuenta", "/es/carrito", "https://www.tienda.cl/es/checkout", "/banca/personas"));
            case "nombre" -> pii.fullName();
            case "comentario", "mensaje" -> pick(MESSAGES);
            case "archivo", "documento", "file" ->
                pick(List.of(
                        "boleta_2024_03.pdf",
                        "cartola-marzo.pdf",
                        "contrato_1234.docx",
                        "manual-usuario.pdf",
                        "imagen_perfil.jpg",
                        "informe-anual-2023.pdf",
                        "reglamento/ley-20285.pdf"));
            case "rut" -> pii.rut();
            case "curp" -> pii.curp();
            case "cpf" -> pii.cpf();
            case "clave" -> pick(List.of("********", "[FILTRADO]", "xxxxxx"));
            case "cuenta" -> pii.digits(10);
            case "glosa" ->
                pick(List.of("arriendo marzo", "pago cuota", "regalo cumpleaños", "gastos comunes depto 302"));
            case "mes" -> "2024-" + String.format(Locale.ROOT, "%02d", 1 + rnd.nextInt(12));
            case "formato" -> pick(List.of("pdf", "csv", "xlsx", "json"));
            case "tramite" ->
                pick(List.of("licencia-conducir", "pasaporte", "certificado-antecedentes", "subsidio-habitacional"));
            case "comuna" ->
                pick(List.of("providencia", "ñuñoa", "maipu", "la florida", "viña del mar", "concepcion", "temuco"));
            case "servicio" -> pick(List.of("registro-civil", "salud", "impuestos", "municipal"));
            case "fecha", "desde", "hasta" ->
                "2024-" + String.format(Locale.ROOT, "%02d-%02d", 1 + rnd.nextInt(12), 1 + rnd.nextInt(28));
            case "tag" -> pick(List.of("economia", "salud", "educacion", "seguridad", "cultura"));
            case "host" -> pick(List.of("www.banco.cl", "api.tienda.cl", "8.8.8.8", "sii.cl", "intranet.gob.cl"));
            case "telefono" -> pii.phone();
            case "page" ->
                pick(List.of("inicio", "ayuda/preguntas-frecuentes", "home.html", "productos/lista", "contacto.php"));
            case "ruta" -> pick(List.of("productos/12345.jpg", "banners/cyber.png", "perfil/avatar.webp"));
            default -> pii.digits(4);
        };
    }

    private String pick(List<String> options) {
        return options.get(rnd.nextInt(options.size()));
    }
}
