/*
 * The cryptography of the optional members on the module: the SDK's mbedTLS (2.x), in the
 * shape of the POSIX port's OpenSSL version (port/posix/crypto.c) and the simulator's
 * (sim/crypto.mjs): the same JSON, the same checks in the same order, the same words.
 *
 * Untested without hardware, every function here; the points to check on a device:
 *   - the entropy source: mbedtls_entropy_func must be backed by the chip's TRNG (the SDK's
 *     MBEDTLS_ENTROPY_HARDWARE_ALT / mbedtls_hardware_poll); a key made from a weak source
 *     is worthless. The port does not seed from port_random (not a cryptographic source).
 *   - the RTC is set (NITZ, or the bundle's clock from the CSMS) before a chain is checked:
 *     mbedtls_x509_time_is_past/_future read it (MBEDTLS_HAVE_TIME_DATE must be on).
 *   - names: mbedtls_x509_dn_gets writes "CN=a, O=b" like @peculiar/x509 for plain names;
 *     escapes and rare attribute names may differ from the simulator's text.
 *   - "issued by" compares the issuer's DER name byte for byte (OpenSSL compares canonical
 *     forms and the key identifiers): a CA that re-encodes its name is not matched here.
 *   - private keys are written as SEC1 ("EC PRIVATE KEY"), which ql_ssl (mbedTLS) reads.
 * Compiled in CI against Debian's mbedTLS 2.28 headers (node firmware-shim/quectel-check.mjs).
 */
#include "../../src/json_text.h"
#include "../../src/members.h"

#include <string.h>

#include "mbedtls/asn1.h"
#include "mbedtls/base64.h"
#include "mbedtls/ctr_drbg.h"
#include "mbedtls/ecp.h"
#include "mbedtls/entropy.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/rsa.h"
#include "mbedtls/sha256.h"
#include "mbedtls/x509_crt.h"
#include "mbedtls/x509_csr.h"

void port_sha256_hex(const void *data, size_t len, char out[65])
{
    unsigned char digest[32];
    mbedtls_sha256_ret(data, len, digest, 0);
    for (int i = 0; i < 32; i++)
        sprintf(out + 2 * i, "%02x", digest[i]);
}

/* ---- certificates --------------------------------------------------------------------- */

/* Every certificate of a PEM text into `chain`; 0, or -1 with why. */
static int certificates_in(const char *pem, mbedtls_x509_crt *chain, char *error, size_t error_size)
{
    mbedtls_x509_crt_init(chain);
    if (!strstr(pem, "-----BEGIN CERTIFICATE-----")) {
        snprintf(error, error_size, "no PEM certificate");
        return -1;
    }
    int r = mbedtls_x509_crt_parse(chain, (const unsigned char *)pem, strlen(pem) + 1);
    if (r != 0) {
        snprintf(error, error_size, "a malformed PEM certificate (mbedtls -0x%04x)", (unsigned)(r < 0 ? -r : r));
        mbedtls_x509_crt_free(chain);
        return -1;
    }
    return 0;
}

/* "CN=a, O=b" (the simulator's CertificateInfo text). */
static void name_text(const mbedtls_x509_name *name, char *out, size_t size)
{
    if (mbedtls_x509_dn_gets(out, size, name) < 0)
        snprintf(out, size, "?");
}

/* Node's X509Certificate.subject: one line per name entry. */
static void name_multiline(const mbedtls_x509_name *name, char *out, size_t size)
{
    char text[256];
    name_text(name, text, sizeof text);
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < size; p++) {
        if (p[0] == ',' && p[1] == ' ') {
            out[n++] = '\n';
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

static bool same_bytes(const mbedtls_x509_buf *a, const mbedtls_x509_buf *b)
{
    return a->len == b->len && memcmp(a->p, b->p, a->len) == 0;
}

/* `cert` names `issuer` as its issuer and carries its signature. */
static bool issued_by(const mbedtls_x509_crt *cert, mbedtls_x509_crt *issuer)
{
    if (!same_bytes(&cert->issuer_raw, &issuer->subject_raw))
        return false;
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(cert->sig_md);
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    if (!md || mbedtls_md(md, cert->tbs.p, cert->tbs.len, hash) != 0)
        return false;
    return mbedtls_pk_verify_ext(cert->sig_pk, cert->sig_opts, &issuer->pk, cert->sig_md, hash,
                                 mbedtls_md_get_size(md), cert->sig.p, cert->sig.len) == 0;
}

/* A CA as OpenSSL's X509_check_ca counts one (the simulator too): basicConstraints cA, or a
 * self-signed X.509 v1 certificate. */
static bool is_ca(mbedtls_x509_crt *cert)
{
    return cert->ca_istrue || (cert->version == 1 && issued_by(cert, cert));
}

static void iso_time(const mbedtls_x509_time *t, char out[32])
{
    snprintf(out, 32, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", t->year, t->mon, t->day, t->hour, t->min, t->sec);
}

/* The subjectPublicKey BIT STRING's bits of a SubjectPublicKeyInfo (OCPP's issuerKeyHash). */
static int public_key_bits(const mbedtls_x509_crt *cert, const unsigned char **bits, size_t *len)
{
    unsigned char *p = cert->pk_raw.p, *end = p + cert->pk_raw.len;
    size_t n;
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return -1;
    if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE) != 0)
        return -1;
    p += n; /* the AlgorithmIdentifier */
    if (mbedtls_asn1_get_bitstring_null(&p, end, &n) != 0)
        return -1;
    *bits = p;
    *len = n;
    return 0;
}

char *port_crypto_certificate_info(const char *pem, const char *hash_algorithm)
{
    mbedtls_md_type_t type = strcmp(hash_algorithm, "SHA256") == 0   ? MBEDTLS_MD_SHA256
                             : strcmp(hash_algorithm, "SHA384") == 0 ? MBEDTLS_MD_SHA384
                             : strcmp(hash_algorithm, "SHA512") == 0 ? MBEDTLS_MD_SHA512
                                                                     : MBEDTLS_MD_NONE;
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(type);
    char error[300];
    if (!md) {
        snprintf(error, sizeof error, "unknown hash algorithm %s", hash_algorithm);
        return error_json(false, error);
    }
    mbedtls_x509_crt chain;
    if (certificates_in(pem, &chain, error, sizeof error) != 0)
        return error_json(false, error);
    text_buffer b = { 0 };
    puts_(&b, "{\"certificates\":[");
    for (mbedtls_x509_crt *cert = &chain; cert && cert->raw.len; cert = cert->next) {
        mbedtls_x509_crt *issuer = cert;
        for (mbedtls_x509_crt *c = &chain; c && c->raw.len; c = c->next)
            if (c != cert && same_bytes(&cert->issuer_raw, &c->subject_raw)) {
                issuer = c;
                break;
            }
        if (cert != &chain)
            puts_(&b, ",");
        char text[256];
        puts_(&b, "{\"subject\":");
        name_text(&cert->subject, text, sizeof text);
        put_json_string(&b, text);
        puts_(&b, ",\"issuer\":");
        name_text(&cert->issuer, text, sizeof text);
        put_json_string(&b, text);
        puts_(&b, ",\"serialNumber\":\"");
        size_t skip = 0;
        while (skip + 1 < cert->serial.len && cert->serial.p[skip] == 0)
            skip++;
        char hex[3];
        for (size_t i = skip; i < cert->serial.len; i++) {
            snprintf(hex, sizeof hex, "%02x", cert->serial.p[i]);
            puts_(&b, i == skip && hex[0] == '0' && hex[1] ? hex + 1 : hex); /* no leading zero */
        }
        unsigned char digest[MBEDTLS_MD_MAX_SIZE];
        mbedtls_md(md, cert->issuer_raw.p, cert->issuer_raw.len, digest);
        puts_(&b, "\",\"issuerNameHash\":\"");
        put_hex(&b, digest, mbedtls_md_get_size(md));
        const unsigned char *bits;
        size_t bits_len;
        if (public_key_bits(issuer, &bits, &bits_len) == 0)
            mbedtls_md(md, bits, bits_len, digest);
        else
            memset(digest, 0, sizeof digest);
        puts_(&b, "\",\"issuerKeyHash\":\"");
        put_hex(&b, digest, mbedtls_md_get_size(md));
        char when[32];
        iso_time(&cert->valid_from, when);
        puts_(&b, "\",\"notBefore\":\"");
        puts_(&b, when);
        iso_time(&cert->valid_to, when);
        puts_(&b, "\",\"notAfter\":\"");
        puts_(&b, when);
        puts_(&b, "\",\"ca\":");
        puts_(&b, is_ca(cert) ? "true" : "false");
        puts_(&b, ",\"selfSigned\":");
        puts_(&b, issued_by(cert, cert) ? "true" : "false");
        puts_(&b, "}");
    }
    puts_(&b, "]}");
    mbedtls_x509_crt_free(&chain);
    return finish(&b);
}

char *port_crypto_verify_chain(const char *chain_pem, const char *trusted_pem, const char *key_pem)
{
    char error[600], a[256], c[256];
    mbedtls_x509_crt chain, trusted;
    mbedtls_x509_crt_init(&trusted);
    if (certificates_in(chain_pem, &chain, error, sizeof error) != 0)
        return error_json(true, error);
    char *result = NULL;
    if (certificates_in(trusted_pem, &trusted, error, sizeof error) != 0)
        goto failed;
    mbedtls_x509_crt *last = &chain;
    for (mbedtls_x509_crt *cert = &chain; cert && cert->raw.len; cert = cert->next) {
        last = cert;
        if (mbedtls_x509_time_is_future(&cert->valid_from) || mbedtls_x509_time_is_past(&cert->valid_to)) {
            name_multiline(&cert->subject, a, sizeof a);
            snprintf(error, sizeof error, "%s is not valid now", a);
            goto failed;
        }
    }
    for (mbedtls_x509_crt *cert = &chain; cert->next && cert->next->raw.len; cert = cert->next) {
        if (!issued_by(cert, cert->next)) {
            name_multiline(&cert->subject, a, sizeof a);
            name_multiline(&cert->next->subject, c, sizeof c);
            snprintf(error, sizeof error, "%s is not signed by %s", a, c);
            goto failed;
        }
        if (!is_ca(cert->next)) {
            name_multiline(&cert->next->subject, c, sizeof c);
            snprintf(error, sizeof error, "%s is not a CA", c);
            goto failed;
        }
    }
    mbedtls_x509_crt *anchor = NULL;
    for (mbedtls_x509_crt *t = &trusted; t && t->raw.len && !anchor; t = t->next)
        if (issued_by(last, t))
            anchor = t;
    if (!anchor) {
        name_multiline(&last->issuer, a, sizeof a);
        snprintf(error, sizeof error, "%s is not a trusted root", a);
        goto failed;
    }
    if (!is_ca(anchor)) {
        name_multiline(&anchor->subject, c, sizeof c);
        snprintf(error, sizeof error, "%s is not a CA", c);
        goto failed;
    }
    if (key_pem) {
        mbedtls_pk_context key;
        mbedtls_pk_init(&key);
        bool matches = mbedtls_pk_parse_key(&key, (const unsigned char *)key_pem, strlen(key_pem) + 1, NULL, 0) == 0 &&
                       mbedtls_pk_check_pair(&chain.pk, &key) == 0;
        mbedtls_pk_free(&key);
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
    mbedtls_x509_crt_free(&chain);
    mbedtls_x509_crt_free(&trusted);
    return result;
}

/* ---- key pairs and CSRs --------------------------------------------------------------- */

/* "CN=a,O=b" for mbedtls_x509write_csr_set_subject_name: , = + \ escaped. */
static void put_name_value(char *out, size_t size, const char *value)
{
    size_t n = strlen(out);
    for (; *value && n + 3 < size; value++) {
        if (strchr(",=+\\", *value))
            out[n++] = '\\';
        out[n++] = *value;
    }
    out[n] = '\0';
}

char *port_crypto_create_csr(const char *key_id, const char *common_name, const char *organization, char *error,
                             size_t error_size)
{
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
    mbedtls_pk_context key;
    mbedtls_x509write_csr csr;
    mbedtls_entropy_init(&entropy);
    mbedtls_ctr_drbg_init(&drbg);
    mbedtls_pk_init(&key);
    mbedtls_x509write_csr_init(&csr);
    unsigned char key_pem[800], csr_pem[1200];
    char subject[400] = "CN=";
    put_name_value(subject, sizeof subject, common_name);
    if (*organization) {
        strncat(subject, ",O=", sizeof subject - strlen(subject) - 1);
        put_name_value(subject, sizeof subject, organization);
    }
    char *out = NULL;
    int r;
    if ((r = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy, (const unsigned char *)key_id,
                                   strlen(key_id))) != 0 ||
        (r = mbedtls_pk_setup(&key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) != 0 ||
        (r = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(key), mbedtls_ctr_drbg_random, &drbg)) != 0 ||
        (r = mbedtls_pk_write_key_pem(&key, key_pem, sizeof key_pem)) != 0) {
        snprintf(error, error_size, "cannot make a key pair (mbedtls -0x%04x)", (unsigned)-r);
        goto done;
    }
    mbedtls_x509write_csr_set_md_alg(&csr, MBEDTLS_MD_SHA256);
    mbedtls_x509write_csr_set_key(&csr, &key);
    if ((r = mbedtls_x509write_csr_set_subject_name(&csr, subject)) != 0 ||
        (r = mbedtls_x509write_csr_pem(&csr, csr_pem, sizeof csr_pem, mbedtls_ctr_drbg_random, &drbg)) != 0) {
        snprintf(error, error_size, "cannot sign the CSR (mbedtls -0x%04x)", (unsigned)-r);
        goto done;
    }
    char file[80];
    snprintf(file, sizeof file, "%s.pem", key_id);
    if (port_private_write("keys", file, (const char *)key_pem, strlen((const char *)key_pem)) != 0) {
        snprintf(error, error_size, "cannot store the key pair");
        goto done;
    }
    out = strdup((const char *)csr_pem);
done:
    mbedtls_x509write_csr_free(&csr);
    mbedtls_pk_free(&key);
    mbedtls_ctr_drbg_free(&drbg);
    mbedtls_entropy_free(&entropy);
    return out;
}

/* ---- firmware signatures -------------------------------------------------------------- */

int port_crypto_verify_signature(const void *data, size_t len, const char *certificate_pem,
                                 const char *signature_base64, char *error, size_t error_size)
{
    mbedtls_x509_crt cert;
    if (certificates_in(certificate_pem, &cert, error, error_size) != 0)
        return -1;
    size_t text_len = strlen(signature_base64), n = 0, sig_len = 0;
    char *text = malloc(text_len + 1);
    unsigned char *sig = malloc(text_len + 1);
    int result = -1;
    if (!text || !sig) {
        snprintf(error, error_size, "out of memory");
        goto done;
    }
    for (const char *p = signature_base64; *p; p++) /* white space skipped, as the simulator does */
        if (!strchr(" \t\r\n", *p))
            text[n++] = *p;
    text[n] = '\0';
    if (n == 0) {
        snprintf(error, error_size, "the signature is empty");
        goto done;
    }
    if (mbedtls_base64_decode(sig, text_len + 1, &sig_len, (const unsigned char *)text, n) != 0) {
        snprintf(error, error_size, "the signature is not base64");
        goto done;
    }
    unsigned char hash[32];
    mbedtls_sha256_ret(data, len, hash, 0);
    /* ECDSA (DER) or RSA PKCS#1 v1.5; then RSA-PSS with any salt length. */
    result = mbedtls_pk_verify(&cert.pk, MBEDTLS_MD_SHA256, hash, sizeof hash, sig, sig_len) == 0;
    if (!result && mbedtls_pk_get_type(&cert.pk) == MBEDTLS_PK_RSA) {
        mbedtls_pk_rsassa_pss_options pss = { MBEDTLS_MD_SHA256, MBEDTLS_RSA_SALT_LEN_ANY };
        result = mbedtls_pk_verify_ext(MBEDTLS_PK_RSASSA_PSS, &pss, &cert.pk, MBEDTLS_MD_SHA256, hash, sizeof hash,
                                       sig, sig_len) == 0;
    }
done:
    free(text);
    free(sig);
    mbedtls_x509_crt_free(&cert);
    return result;
}
