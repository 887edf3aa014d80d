import java.io.*;
import java.security.MessageDigest;
import javax.crypto.Cipher;
import javax.xml.parsers.DocumentBuilderFactory;

public class Security {
    void commands(String dir) throws Exception {
        // ruleid: java.command-injection
        Runtime.getRuntime().exec("ls " + dir);
        // ok: java.command-injection
        Runtime.getRuntime().exec("ls");
        // ruleid: java.command-injection
        new ProcessBuilder("sh", "-c", "tar xf " + dir).start();
        // ok: java.command-injection
        new ProcessBuilder("tar", "xf", dir).start();
    }

    void sql(Statement st, Connection c, String name) throws Exception {
        // ruleid: java.sql-injection
        st.executeQuery("SELECT * FROM users WHERE name = '" + name + "'");
        // ok: java.sql-injection
        PreparedStatement ps = c.prepareStatement("SELECT * FROM users WHERE name = ?");
    }

    Object deser(byte[] bytes) throws Exception {
        // ruleid: java.object-deserialization
        ObjectInputStream ois = new ObjectInputStream(new ByteArrayInputStream(bytes));
        // ok: java.object-deserialization
        DataInputStream dis = new DataInputStream(new ByteArrayInputStream(bytes));
        return ois.readObject();
    }

    void crypto() throws Exception {
        // ruleid: java.weak-hash
        MessageDigest md = MessageDigest.getInstance("SHA-1");
        // ok: java.weak-hash
        MessageDigest md2 = MessageDigest.getInstance("SHA-256");
        // ruleid: java.weak-hash
        byte[] h1 = DigestUtils.getSha1Digest().digest(data);
        // ruleid: java.weak-hash
        String h2 = DigestUtils.md2Hex(data);
        // ok: java.weak-hash
        String h3 = DigestUtils.sha256Hex(data);
        // ruleid: java.weak-hash
        HashCode h4 = Hashing.sha1().hashBytes(data);
        // ok: java.weak-hash
        HashCode h5 = Hashing.sha256().hashBytes(data);
        // ruleid: java.weak-cipher
        SecretKeyFactory kf1 = SecretKeyFactory.getInstance("DESedeWrap");
        // ruleid: java.weak-cipher
        Cipher c0 = new javax.crypto.NullCipher();
        // ruleid: java.weak-cipher
        spec.setBlockModes(KeyProperties.BLOCK_MODE_ECB);
        // ok: java.weak-cipher
        spec.setBlockModes(KeyProperties.BLOCK_MODE_GCM);
        // ok: java.weak-cipher
        SecretKeyFactory kf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
        // ruleid: java.weak-cipher
        Cipher c1 = Cipher.getInstance("DES");
        // ruleid: java.weak-cipher
        Cipher c2 = Cipher.getInstance("AES/ECB/PKCS5Padding");
        // ok: java.weak-cipher
        Cipher c3 = Cipher.getInstance("AES/GCM/NoPadding");
        // ruleid: java.cbc-padding-oracle
        Cipher c4 = Cipher.getInstance("AES/CBC/PKCS5Padding");
        // ok: java.cbc-padding-oracle
        String mode = "AES/GCM/NoPadding";
        // ruleid: java.weak-random
        Random r = new Random();
        // ok: java.weak-random
        SecureRandom sr = new SecureRandom();
        // ruleid: java.weak-random
        String code = RandomStringUtils.randomAlphanumeric(8);
        // ruleid: java.weak-random
        long id = rnd.nextLong();
        // ok: java.weak-random
        byte[] salt = new byte[16]; sr.nextBytes(salt);
    }

    private final SecureRandom random = new SecureRandom();

    int draw() {
        // ok: java.weak-random
        return random.nextInt(100);
    }

    void xml(String s) throws Exception {
        // ruleid: java.xxe
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.newDocumentBuilder().parse(s);
    }

    void xpath(XPath xpath, String user) throws Exception {
        // ruleid: java.xpath-injection
        xpath.compile("//user[@name='" + user + "']");
        // ok: java.xpath-injection
        xpath.compile("//user[@name=$name]");
    }

    void servlet(HttpServletRequest request, HttpServletResponse response) throws Exception {
        // ruleid: java.path-traversal
        File f = new File("/data/" + request.getParameter("file"));
        // ok: java.path-traversal
        File g = new File("/data/index.html");
        // ruleid: java.xss-writer
        response.getWriter().println("<p>" + request.getParameter("q") + "</p>");
        // ok: java.xss-writer
        response.getWriter().println("<p>ok</p>");
        // ruleid: java.ssrf
        URL u = new URL(request.getParameter("url"));
        // ok: java.ssrf
        URL v = new URL("https://api.example.com/");
        Cookie cookie = new Cookie("sid", "x");
        // ruleid: java.insecure-cookie
        cookie.setSecure(false);
        // ok: java.insecure-cookie
        cookie.setSecure(true);
    }

    void android(Context context, WebView view) {
        // ruleid: java.android-world-readable
        context.getSharedPreferences("prefs", Context.MODE_WORLD_READABLE);
        // ok: java.android-world-readable
        context.getSharedPreferences("prefs", Context.MODE_PRIVATE);
        // ruleid: java.webview-file-access
        view.getSettings().setAllowFileAccess(true);
        // ok: java.webview-file-access
        view.getSettings().setAllowFileAccess(false);
        // ruleid: java.webview-file-access
        view.getSettings().setAllowUniversalAccessFromFileURLs(true);
        // ruleid: java.android-world-readable
        context.openFileOutput("cache", Context.MODE_WORLD_WRITEABLE);
        // ruleid: java.webview-debugging
        WebView.setWebContentsDebuggingEnabled(true);
        // ok: java.webview-debugging
        if (BuildConfig.DEBUG) { WebView.setWebContentsDebuggingEnabled(true); }
    }

    void spring(HttpSecurity http) throws Exception {
        // ruleid: java.spring-csrf-disabled
        http.csrf().disable();
        // ok: java.spring-csrf-disabled
        http.cors();
    }
}

class TrustAll implements X509TrustManager {
    // ruleid: java.trust-all-certificates
    public void checkServerTrusted(X509Certificate[] chain, String authType) { }
    // ok: java.trust-all-certificates
    public void checkClientTrusted(X509Certificate[] chain, String authType) { }
}

class LoggingTrust implements X509TrustManager {
    private final X509TrustManager platform;
    LoggingTrust(X509TrustManager platform) { this.platform = platform; }
    // ruleid: java.trust-all-certificates
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
        log.debug("server presented {}", chain[0].getSubjectX500Principal());
    }
    // ok: java.trust-all-certificates
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        log.debug("client presented {}", chain[0].getSubjectX500Principal());
        platform.checkClientTrusted(chain, authType);
    }
    void relax(SSLParameters params) {
        // ruleid: java.trust-all-certificates
        params.setEndpointIdentificationAlgorithm(null);
        // ok: java.trust-all-certificates
        params.setEndpointIdentificationAlgorithm("HTTPS");
    }
}

class Verifier implements HostnameVerifier {
    // ruleid: java.trust-all-certificates
    public boolean verify(String host, SSLSession session) { return true; }
}

class SafeXml {
    void parse(String s) throws Exception {
        // ok: java.xxe
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    }
}

class RedirectAndTls {
    void go(javax.servlet.http.HttpServletRequest req, javax.servlet.http.HttpServletResponse resp) throws java.io.IOException {
        // ruleid: java.open-redirect
        resp.sendRedirect(req.getParameter("next"));
        // ok: java.open-redirect
        resp.sendRedirect("/home");
    }
    // ruleid: java.hostname-verifier-all
    javax.net.ssl.HostnameVerifier any = (h, s) -> true;
    // ok: java.hostname-verifier-all
    javax.net.ssl.HostnameVerifier strict = (h, s) -> h.equals("api.example.com");
    void install() {
        // ruleid: java.hostname-verifier-all
        javax.net.ssl.HttpsURLConnection.setDefaultHostnameVerifier((h, s) -> true);
    }
}

class XmlSettings {
    void configure(DocumentBuilderFactory dbf, XMLInputFactory xif) throws Exception {
        // ruleid: java.xml-external-entities-enabled
        dbf.setFeature("http://xml.org/sax/features/external-general-entities", true);
        // ruleid: java.xml-external-entities-enabled
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
        // ruleid: java.xml-external-entities-enabled
        xif.setProperty("javax.xml.stream.isSupportingExternalEntities", true);
        // ok: java.xml-external-entities-enabled
        dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        // ok: java.xml-external-entities-enabled
        dbf.setFeature("http://xml.org/sax/features/external-general-entities", false);
    }
}
