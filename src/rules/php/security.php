<?php
function run($dir) {
    // ruleid: php.command-injection
    system("ls " . $dir);
    // ok: php.command-injection
    system("ls " . escapeshellarg($dir));
    // ruleid: php.command-injection
    $out = shell_exec("cat $dir/file");
    // ruleid: php.command-injection
    system($_GET['c']);
    // ruleid: php.command-injection
    passthru(sprintf('tar -xf %s', $archive));
    // ok: php.command-injection
    passthru(sprintf('tar -xf %s', 'fixed.tar'));
    // ok: php.command-injection
    system(escapeshellcmd($line));
}

function list_safely($dir) {
    $cmd = escapeshellcmd("ls " . escapeshellarg($dir));
    // ok: php.command-injection
    exec($cmd);
    $fixed = "uptime";
    // ok: php.command-injection
    system($fixed);
}

function list_reassigned($dir) {
    $cmd = escapeshellarg($dir);
    $cmd = $_GET['cmd'];
    // ruleid: php.command-injection
    exec($cmd);
}

function code($body) {
    // ruleid: php.code-injection
    eval($body);
    // ok: php.code-injection
    assert('true');
    // ok: php.code-injection
    eval('return 1 + 1;');
}

function sql($db, $id) {
    // ruleid: php.sql-injection
    $db->query("SELECT * FROM users WHERE id = $id");
    // ruleid: php.sql-injection
    mysqli_query($db, "DELETE FROM t WHERE name = '" . $id . "'");
    // ok: php.sql-injection
    $db->prepare("SELECT * FROM users WHERE id = ?");
    // ruleid: php.sql-injection
    mysql_query($_POST['query']);
    // ok: php.sql-injection
    mysql_query("SELECT 1");
    // ruleid: php.xml-external-entities
    $doc = simplexml_load_string($xml, 'SimpleXMLElement', LIBXML_NOENT | LIBXML_NONET);
    // ok: php.xml-external-entities
    $doc2 = simplexml_load_string($xml, 'SimpleXMLElement', LIBXML_NONET);
}

function load($data) {
    // ruleid: php.unserialize
    $obj = unserialize($data);
    // ok: php.unserialize
    $obj = unserialize($data, ['allowed_classes' => false]);
}

// ruleid: php.file-inclusion
include $_GET['page'] . '.php';
// ok: php.file-inclusion
include 'header.php';

function hashes($password) {
    // ruleid: php.weak-hash
    $h = md5($password);
    // ok: php.weak-hash
    $h = password_hash($password, PASSWORD_DEFAULT);
    // ruleid: php.mcrypt
    $c = mcrypt_encrypt(MCRYPT_RIJNDAEL_128, $key, $text, MCRYPT_MODE_ECB);
    // ok: php.mcrypt
    $c = sodium_crypto_secretbox($text, $nonce, $key);
    // ruleid: php.weak-random, php.weak-hash
    $token = md5(uniqid());
    // ok: php.weak-random
    $token2 = bin2hex(random_bytes(16));
}

// ruleid: php.xss-echo
echo "Hello " . $_GET['name'];
// ok: php.xss-echo
echo "Hello " . htmlspecialchars($_GET['name'], ENT_QUOTES, 'UTF-8');
// ruleid: php.xss-echo
die("Unknown page: " . $_GET['page']);
// ok: php.xss-echo
die("Unknown page: " . htmlspecialchars($_GET['page']));

// ruleid: php.open-redirect
header('Location: ' . $_POST['return_to']);
// ok: php.open-redirect
header('Location: /home');

// ruleid: php.spoofable-client-ip
$ip = $_SERVER['HTTP_X_FORWARDED_FOR'];
// ok: php.spoofable-client-ip
$ip = $_SERVER['REMOTE_ADDR'];

// ruleid: php.display-errors
ini_set('display_errors', 'on');
// ok: php.display-errors
ini_set('display_errors', '0');

// ruleid: php.path-traversal
$body = file_get_contents('/srv/files/' . $_GET['f']);
// ok: php.path-traversal
$body = file_get_contents('/srv/files/' . basename($_GET['f']));

$ch = curl_init();
// ruleid: php.tls-verify-disabled
curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);
// ok: php.tls-verify-disabled
curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, true);

// ruleid: php.extract-superglobal
extract($_POST);
// ok: php.extract-superglobal
extract($defaults);
function import_vars($key) {
    $vars = $_GET[$key];
    // ruleid: php.extract-superglobal
    extract($vars);
}
// ok: php.extract-superglobal
extract($_POST, EXTR_SKIP);
