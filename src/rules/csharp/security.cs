using System;
using System.Data.SqlClient;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Xml;

public class Security : Controller
{
    public void Sql(SqlConnection conn, string name)
    {
        // ruleid: csharp.sql-injection
        var cmd = new SqlCommand("SELECT * FROM Users WHERE Name = '" + name + "'", conn);
        // ok: csharp.sql-injection
        var cmd2 = new SqlCommand("SELECT * FROM Users WHERE Name = @name", conn);
        // ruleid: csharp.sql-injection
        cmd2.CommandText = $"DELETE FROM Users WHERE Name = '{name}'";
        // ruleid: csharp.sql-injection
        _dbcon.ExecuteNonQuery(string.Format("delete from trackables where Code='{0}'", name));
        // ruleid: csharp.sql-injection
        var n = db.ExecuteScalar("select count(1) from images where url='" + name + "'");
        // ruleid: csharp.sql-injection
        session.Execute($"SELECT * FROM users WHERE name = '{name}'");
        // ok: csharp.sql-injection
        _dbcon.ExecuteNonQuery(string.Format("select count(1) from trackables", name));
        // ok: csharp.sql-injection
        _dbcon.ExecuteNonQuery("delete from trackables where Code=@code", parameters);
        // ok: csharp.sql-injection
        logger.Execute(string.Format("Updated {0} rows", count));
    }

    public void Run(string file)
    {
        // ruleid: csharp.command-injection
        Process.Start(file);
        // ok: csharp.command-injection
        Process.Start("notepad.exe");
        var proc = new Process();
        // ruleid: csharp.command-injection
        proc.StartInfo.Arguments = "-bot " + botIndex;
        // ok: csharp.command-injection
        proc.StartInfo.FileName = "git";
        // ruleid: csharp.command-injection
        var psi = new ProcessStartInfo { FileName = tool, UseShellExecute = false };
    }

    public object Load(Stream s)
    {
        // ruleid: csharp.unsafe-deserialization
        var bf = new BinaryFormatter();
        // ok: csharp.unsafe-deserialization
        var js = new DataContractJsonSerializer(typeof(Data));
        // ruleid: csharp.unsafe-deserialization
        var cached = _formatter.Deserialize(s);
        // ruleid: csharp.unsafe-deserialization
        return bf.Deserialize(s);
    }

    public void Crypto()
    {
        // ruleid: csharp.weak-random
        var r = new Random();
        // ok: csharp.weak-random
        var n = RandomNumberGenerator.GetInt32(100);
        // ruleid: csharp.weak-random
        int pick = _random.Next(0, 10);
        // ruleid: csharp.weak-random
        int spawn = Random.Range(0, 4);
        // ok: csharp.weak-random
        rng.GetBytes(buffer);
        // ruleid: csharp.weak-crypto
        var md5 = new MD5CryptoServiceProvider();
        // ok: csharp.weak-crypto
        var sha = SHA256.Create();
        // ruleid: csharp.weak-crypto
        var sha1 = System.Security.Cryptography.SHA1.Create();
        // ruleid: csharp.weak-crypto
        var des = TripleDES.Create();
        // ruleid: csharp.weak-cipher-mode
        aes.Mode = CipherMode.ECB;
        // ok: csharp.weak-cipher-mode
        var gcm = new AesGcm(key);
    }

    public void Xml(string xml, XmlDocument doc, string name)
    {
        // ruleid: csharp.xxe
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Parse };
        // ok: csharp.xxe
        var safe = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit };
        var doc1 = new XmlDocument();
        // ruleid: csharp.xmldocument-resolver
        doc1.LoadXml(name);
        XmlDocument doc2 = new XmlDocument();
        doc2.XmlResolver = null;
        // ok: csharp.xmldocument-resolver
        doc2.Load(name);
        // ruleid: csharp.xpath-injection
        var node = doc.SelectSingleNode(name);
        // ok: csharp.xpath-injection
        var all = doc.SelectNodes("//user");
        // ruleid: csharp.xpath-injection
        var el = xdoc.XPathSelectElement(string.Format("//user[@name='{0}']", name));
        // ok: csharp.xpath-injection
        var els = xdoc.XPathSelectElements("//user");
    }

    // ruleid: csharp.csrf-missing-token-check
    [HttpPost]
    public ActionResult Update(Model m) { return View(); }

    // ok: csharp.csrf-missing-token-check
    [HttpPost]
    [ValidateAntiForgeryToken]
    public ActionResult Save(Model m) { return View(); }

    // ruleid: csharp.validate-input-disabled
    [ValidateInput(false)]
    public ActionResult Edit() { return View(); }

    // ok: csharp.validate-input-disabled
    [ValidateInput(true)]
    public ActionResult View2() { return View(); }

    public ActionResult Go(string returnUrl)
    {
        // ruleid: csharp.open-redirect
        return Redirect(returnUrl + "#top");
    }

    public ActionResult Home()
    {
        // ok: csharp.open-redirect
        return Redirect("/home");
    }

    public void Tls()
    {
        // ruleid: csharp.tls-validation-disabled
        ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;
        // ok: csharp.tls-validation-disabled
        ServicePointManager.ServerCertificateValidationCallback = Validate;
    }
}

[ApiController]
public class OrdersApiController : ControllerBase
{
    // ok: csharp.csrf-missing-token-check
    [HttpPost]
    public IActionResult Create(Order order) { return Ok(); }
}

public class FilesController : Controller
{
    public IActionResult Get(string name)
    {
        // ruleid: csharp.path-traversal
        return PhysicalFile("/srv/files/" + name, "application/octet-stream");
    }

    public IActionResult Read(string name)
    {
        // ruleid: csharp.path-traversal
        var text = System.IO.File.ReadAllText(Path.Combine("/srv/files", name));
        // ok: csharp.path-traversal
        var safe = System.IO.File.ReadAllText(Path.Combine("/srv/files", Path.GetFileName(name)));
        // ok: csharp.path-traversal
        var fixedText = System.IO.File.ReadAllText("/srv/files/index.txt");
        return Content(text + safe + fixedText);
    }
}

public class IdentityConfig
{
    public void Configure(ApplicationUserManager manager, IdentityOptions options)
    {
        manager.PasswordValidator = new PasswordValidator
        {
            // ruleid: csharp.weak-password-policy
            RequiredLength = 6,
            RequireDigit = true,
        };
        // ruleid: csharp.weak-password-policy
        options.Password.RequiredLength = 4;
        // ok: csharp.weak-password-policy
        options.Password.RequiredLength = 12;
    }
}

// An agent's hunk that starts inside a method and ends inside the next one (it does not parse):
                return View(model);
            }
        }

        // ruleid: csharp.csrf-missing-token-check
        [HttpPost]
        public ActionResult Transfer(TransferModel model)
        {
            using (var db = new BankContext())
            {
                if (!ModelState.IsValid)
            }
        }

        // ok: csharp.csrf-missing-token-check
        [HttpPost]
        [ValidateAntiForgeryToken]
        public ActionResult Withdraw(TransferModel model)
        {
            if (!ModelState.IsValid)
