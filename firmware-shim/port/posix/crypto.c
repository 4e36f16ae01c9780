/*
 * The cryptography of the optional members on OpenSSL: key pairs and CSRs
 * (cryptoCreateCsr), what certificates are (cryptoCertificateInfo), chains
 * (cryptoVerifyChain) and firmware signatures (firmwareVerifySignature). The results are the
 * simulator's (sim/crypto.mjs, Node's crypto is OpenSSL too): the same JSON, the same
 * checks in the same order, the same words.
 *
 * Private keys are ECDSA P-256, kept as PKCS#8 PEM in the station's host-keys folder (the
 * simulator's place), which the bundle's file names cannot reach.
 */
#include "tls.h"
#include "../../src/json_text.h"
#include "../../src/members.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

void port_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[32];
    EVP_Digest(data, len, digest, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", digest[i]);
}

/* ---- certificates --------------------------------------------------------------------- */

/* Every certificate in a PEM text; NULL with why (none, or a malformed one). */
static STACK_OF(X509) *certificates_in(const char *pem, char *error, size_t error_size)
{
    STACK_OF(X509) *certs = sk_X509_new_null();
    const char *begin = "-----BEGIN CERTIFICATE-----", *end = "-----END CERTIFICATE-----";
    for (const char *p = strstr(pem, begin); certs && p; p = strstr(p, begin)) {
        const char *q = strstr(p, end);
        if (!q)
            break;
        q += strlen(end);
        BIO *bio = BIO_new_mem_buf(p, (int)(q - p));
        X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        if (!x) {
            posix_tls_error(error, error_size, "a malformed PEM certificate");
            sk_X509_pop_free(certs, X509_free);
            return NULL;
        }
        sk_X509_push(certs, x);
        p = q;
    }
    if (certs && sk_X509_num(certs) == 0) {
        snprintf(error, error_size, "no PEM certificate");
        sk_X509_free(certs);
        return NULL;
    }
    return certs;
}

/* Node's X509Certificate.subject / .issuer: "CN=a\nO=b" (one line per name entry). */
static void name_multiline(X509_NAME *name, char *out, size_t out_size)
{
    BIO *bio = BIO_new(BIO_s_mem());
    X509_NAME_print_ex(bio, name, 0,
                       ASN1_STRFLGS_ESC_2253 | ASN1_STRFLGS_ESC_CTRL | ASN1_STRFLGS_UTF8_CONVERT | XN_FLAG_SEP_MULTILINE |
                           XN_FLAG_FN_SN);
    char *data;
    long n = BIO_get_mem_data(bio, &data);
    snprintf(out, out_size, "%.*s", (int)n, data);
    BIO_free(bio);
}

/* @peculiar/x509's Name.toString(): "CN=a, O=b", RFC 4514 escapes, its short names. */
static void name_text(X509_NAME *name, text_buffer *b)
{
    int count = X509_NAME_entry_count(name), last_set = -1;
    for (int i = 0; i < count; i++) {
        X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
        int set = X509_NAME_ENTRY_set(e);
        if (i > 0)
            puts_(b, set == last_set ? "+" : ", ");
        last_set = set;
        ASN1_OBJECT *object = X509_NAME_ENTRY_get_object(e);
        int nid = OBJ_obj2nid(object);
        char oid[80];
        const char *short_name = nid == NID_commonName ? "CN"
                                 : nid == NID_organizationName ? "O"
                                 : nid == NID_organizationalUnitName ? "OU"
                                 : nid == NID_countryName ? "C"
                                 : nid == NID_localityName ? "L"
                                 : nid == NID_stateOrProvinceName ? "ST"
                                 : nid == NID_pkcs9_emailAddress ? "E"
                                 : nid == NID_domainComponent ? "DC"
                                 : NULL;
        if (!short_name) {
            OBJ_obj2txt(oid, sizeof oid, object, 1);
            short_name = oid;
        }
        puts_(b, short_name);
        puts_(b, "=");
        unsigned char *utf8 = NULL;
        int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
        for (int k = 0; k < n; k++) {
            char c = (char)utf8[k];
            if (strchr(",+\"\\<>;", c) || (k == 0 && (c == '#' || c == ' ')) || (k == n - 1 && c == ' '))
                puts_(b, "\\");
            put(b, &c, 1);
        }
        OPENSSL_free(utf8);
    }
}

static bool issued_by(X509 *cert, X509 *issuer)
{
    return X509_check_issued(issuer, cert) == X509_V_OK && X509_verify(cert, X509_get0_pubkey(issuer)) == 1;
}

static void iso_time(const ASN1_TIME *t, char out[32])
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    ASN1_TIME_to_tm(t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S.000Z", &tm);
}

char *port_crypto_certificate_info(const char *pem, const char *hash_algorithm)
{
    const EVP_MD *md = strcmp(hash_algorithm, "SHA256") == 0   ? EVP_sha256()
                       : strcmp(hash_algorithm, "SHA384") == 0 ? EVP_sha384()
                       : strcmp(hash_algorithm, "SHA512") == 0 ? EVP_sha512()
                                                               : NULL;
    char error[300];
    if (!md) {
        snprintf(error, sizeof error, "unknown hash algorithm %s", hash_algorithm);
        return error_json(false, error);
    }
    STACK_OF(X509) *certs = certificates_in(pem, error, sizeof error);
    if (!certs)
        return error_json(false, error);
    text_buffer b = { 0 };
    puts_(&b, "{\"certificates\":[");
    for (int i = 0; i < sk_X509_num(certs); i++) {
        X509 *cert = sk_X509_value(certs, i);
        /* The issuer's key: the issuer among the given certificates, or its own (a root). */
        X509 *issuer = cert;
        for (int k = 0; k < sk_X509_num(certs); k++)
            if (k != i && X509_check_issued(sk_X509_value(certs, k), cert) == X509_V_OK) {
                issuer = sk_X509_value(certs, k);
                break;
            }
        if (i > 0)
            puts_(&b, ",");
        text_buffer name = { 0 };
        puts_(&b, "{\"subject\":");
        name_text(X509_get_subject_name(cert), &name);
        put_json_string(&b, name.text ? name.text : "");
        free(name.text);
        memset(&name, 0, sizeof name);
        puts_(&b, ",\"issuer\":");
        name_text(X509_get_issuer_name(cert), &name);
        put_json_string(&b, name.text ? name.text : "");
        free(name.text);

        BIGNUM *serial = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
        char *hex = serial ? BN_bn2hex(serial) : NULL;
        puts_(&b, ",\"serialNumber\":\"");
        const char *digits = hex ? hex : "0";
        if (*digits == '-')
            digits++;
        while (digits[0] == '0' && digits[1])
            digits++;
        for (const char *p = digits; *p; p++) {
            char c = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
            put(&b, &c, 1);
        }
        OPENSSL_free(hex);
        BN_free(serial);

        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        unsigned char *der = NULL;
        int der_len = i2d_X509_NAME(X509_get_issuer_name(cert), &der);
        EVP_Digest(der, (size_t)(der_len > 0 ? der_len : 0), digest, &n, md, NULL);
        OPENSSL_free(der);
        puts_(&b, "\",\"issuerNameHash\":\"");
        put_hex(&b, digest, n);
        const ASN1_BIT_STRING *bits = X509_get0_pubkey_bitstr(issuer);
        EVP_Digest(ASN1_STRING_get0_data(bits), (size_t)ASN1_STRING_length(bits), digest, &n, md, NULL);
        puts_(&b, "\",\"issuerKeyHash\":\"");
        put_hex(&b, digest, n);
        char when[32];
        iso_time(X509_get0_notBefore(cert), when);
        puts_(&b, "\",\"notBefore\":\"");
        puts_(&b, when);
        iso_time(X509_get0_notAfter(cert), when);
        puts_(&b, "\",\"notAfter\":\"");
        puts_(&b, when);
        puts_(&b, "\",\"ca\":");
        /* X509_check_ca: non-zero for a CA (1 basicConstraints cA, 3 a self-signed v1, ...) */
        puts_(&b, X509_check_ca(cert) != 0 ? "true" : "false");
        puts_(&b, ",\"selfSigned\":");
        puts_(&b, issued_by(cert, cert) ? "true" : "false");
        puts_(&b, "}");
    }
    puts_(&b, "]}");
    sk_X509_pop_free(certs, X509_free);
    ERR_clear_error();
    return finish(&b);
}

char *port_crypto_verify_chain(const char *chain_pem, const char *trusted_pem, const char *key_pem)
{
    char error[600], a[256], c[256];
    STACK_OF(X509) *chain = certificates_in(chain_pem, error, sizeof error);
    STACK_OF(X509) *trusted = chain ? certificates_in(trusted_pem, error, sizeof error) : NULL;
    char *result = NULL;
    if (!trusted)
        goto failed;
    int n = sk_X509_num(chain);
    for (int i = 0; i < n; i++) {
        X509 *cert = sk_X509_value(chain, i);
        if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0 || X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
            name_multiline(X509_get_subject_name(cert), a, sizeof a);
            snprintf(error, sizeof error, "%s is not valid now", a);
            goto failed;
        }
    }
    for (int i = 0; i + 1 < n; i++) {
        X509 *cert = sk_X509_value(chain, i), *issuer = sk_X509_value(chain, i + 1);
        if (!issued_by(cert, issuer)) {
            name_multiline(X509_get_subject_name(cert), a, sizeof a);
            name_multiline(X509_get_subject_name(issuer), c, sizeof c);
            snprintf(error, sizeof error, "%s is not signed by %s", a, c);
            goto failed;
        }
        if (X509_check_ca(issuer) == 0) {
            name_multiline(X509_get_subject_name(issuer), c, sizeof c);
            snprintf(error, sizeof error, "%s is not a CA", c);
            goto failed;
        }
    }
    X509 *last = sk_X509_value(chain, n - 1), *anchor = NULL;
    for (int i = 0; i < sk_X509_num(trusted) && !anchor; i++)
        if (issued_by(last, sk_X509_value(trusted, i)))
            anchor = sk_X509_value(trusted, i);
    if (!anchor) {
        name_multiline(X509_get_issuer_name(last), a, sizeof a);
        snprintf(error, sizeof error, "%s is not a trusted root", a);
        goto failed;
    }
    if (X509_check_ca(anchor) == 0) {
        name_multiline(X509_get_subject_name(anchor), c, sizeof c);
        snprintf(error, sizeof error, "%s is not a CA", c);
        goto failed;
    }
    if (key_pem) {
        BIO *bio = BIO_new_mem_buf(key_pem, -1);
        EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
        BIO_free(bio);
        bool matches = key && X509_check_private_key(sk_X509_value(chain, 0), key) == 1;
        EVP_PKEY_free(key);
        if (!matches) {
            snprintf(error, sizeof error, "the certificate is not for the key of the signing request");
            goto failed;
        }
    }
    result = strdup("{\"ok\":true}");
    goto done;
failed:
    result = error_json(true, error);
done:
    if (chain)
        sk_X509_pop_free(chain, X509_free);
    if (trusted)
        sk_X509_pop_free(trusted, X509_free);
    ERR_clear_error();
    return result;
}

/* ---- key pairs and CSRs --------------------------------------------------------------- */

char *port_crypto_create_csr(const char *key_id, const char *common_name, const char *organization, char *error,
                             size_t error_size)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509_REQ *req = key ? X509_REQ_new() : NULL;
    X509_NAME *name = req ? X509_NAME_new() : NULL;
    char *csr = NULL, *key_text = NULL;
    BIO *key_bio = NULL, *csr_bio = NULL;
    if (!name) {
        posix_tls_error(error, error_size, "cannot make a key pair");
        goto done;
    }
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0);
    if (*organization)
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, (const unsigned char *)organization, -1, -1, 0);
    if (X509_REQ_set_version(req, 0) != 1 || X509_REQ_set_subject_name(req, name) != 1 ||
        X509_REQ_set_pubkey(req, key) != 1 || X509_REQ_sign(req, key, EVP_sha256()) <= 0) {
        posix_tls_error(error, error_size, "cannot sign the CSR");
        goto done;
    }
    key_bio = BIO_new(BIO_s_mem());
    csr_bio = BIO_new(BIO_s_mem());
    if (!key_bio || !csr_bio || PEM_write_bio_PKCS8PrivateKey(key_bio, key, NULL, NULL, 0, NULL, NULL) != 1 ||
        PEM_write_bio_X509_REQ(csr_bio, req) != 1) {
        posix_tls_error(error, error_size, "cannot write the key or the CSR");
        goto done;
    }
    char *data;
    long n = BIO_get_mem_data(key_bio, &data);
    char file[80];
    snprintf(file, sizeof file, "%s.pem", key_id);
    if (port_private_write("keys", file, data, (size_t)n) != 0) {
        snprintf(error, error_size, "cannot store the key pair");
        goto done;
    }
    n = BIO_get_mem_data(csr_bio, &data);
    csr = malloc((size_t)n + 1);
    if (csr) {
        memcpy(csr, data, (size_t)n);
        csr[n] = '\0';
    }
done:
    free(key_text);
    BIO_free(key_bio);
    BIO_free(csr_bio);
    X509_NAME_free(name);
    X509_REQ_free(req);
    EVP_PKEY_free(key);
    ERR_clear_error();
    return csr;
}

/* ---- firmware signatures -------------------------------------------------------------- */

/* Base64 as Node's Buffer.from(text, 'base64') reads it: white space skipped, '=' ends it.
 * The length, or -1 for a character outside the alphabet. */
static long base64_decode(const char *text, unsigned char *out)
{
    unsigned bits = 0;
    int have = 0;
    long n = 0;
    for (const char *p = text; *p && *p != '='; p++) {
        char c = *p;
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+' || c == '-' ? 62
                : c == '/' || c == '_' ? 63
                                       : -1;
        if (v < 0) {
            if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
                continue;
            return -1;
        }
        bits = bits << 6 | (unsigned)v;
        have += 6;
        if (have >= 8) {
            have -= 8;
            out[n++] = (unsigned char)(bits >> have);
        }
    }
    return n;
}

static int verify_with(EVP_PKEY *key, bool pss, const void *data, size_t len, const unsigned char *sig, size_t sig_len)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    int ok = md && EVP_DigestVerifyInit(md, &pctx, EVP_sha256(), NULL, key) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) == 1;
    ok = ok && EVP_DigestVerify(md, sig, sig_len, data, len) == 1;
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok;
}

int port_crypto_verify_signature(const void *data, size_t len, const char *certificate_pem,
                                 const char *signature_base64, char *error, size_t error_size)
{
    STACK_OF(X509) *certs = certificates_in(certificate_pem, error, error_size);
    if (!certs)
        return -1;
    unsigned char *sig = malloc(strlen(signature_base64) + 1);
    long sig_len = sig ? base64_decode(signature_base64, sig) : -1;
    int result;
    if (sig_len < 0) {
        snprintf(error, error_size, "the signature is not base64");
        result = -1;
    } else if (sig_len == 0) {
        snprintf(error, error_size, "the signature is empty");
        result = -1;
    } else {
        EVP_PKEY *key = X509_get0_pubkey(sk_X509_value(certs, 0));
        result = key && verify_with(key, false, data, len, sig, (size_t)sig_len);
        /* RSA: PKCS#1 v1.5 first (what Node's verify does by default), then PSS. */
        if (!result && key && EVP_PKEY_base_id(key) == EVP_PKEY_RSA)
            result = verify_with(key, true, data, len, sig, (size_t)sig_len);
    }
    free(sig);
    sk_X509_pop_free(certs, X509_free);
    return result;
}
