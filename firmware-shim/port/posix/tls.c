/*
 * OpenSSL client contexts from the ABI's PEM texts, for both POSIX websocket clients
 * (net.c on libwebsockets, net_sockets.c on the portable engine). See tls.h.
 */
#include "tls.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/pem.h>

/* ---- TLS contexts --------------------------------------------------------------------- */

void posix_tls_error(char *error, size_t error_size, const char *what)
{
    unsigned long e = ERR_get_error();
    char detail[256] = "";
    if (e)
        ERR_error_string_n(e, detail, sizeof detail);
    snprintf(error, error_size, "%s%s%s", what, *detail ? ": " : "", detail);
    ERR_clear_error();
}

/* Every certificate in a PEM text, into the context's trust store; how many were added. */
static int trust_pem(SSL_CTX *ssl, const char *pem)
{
    BIO *bio = BIO_new_mem_buf(pem, -1);
    STACK_OF(X509_INFO) *infos = bio ? PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL) : NULL;
    int added = 0;
    for (int i = 0; infos && i < sk_X509_INFO_num(infos); i++) {
        X509_INFO *info = sk_X509_INFO_value(infos, i);
        if (info->x509 && X509_STORE_add_cert(SSL_CTX_get_cert_store(ssl), info->x509) == 1)
            added++;
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    BIO_free(bio);
    ERR_clear_error();
    return added;
}

/* A client certificate (and any chain after it) and its key, from PEM text. */
static int use_client_certificate(SSL_CTX *ssl, const char *cert, const char *key, char *error, size_t error_size)
{
    BIO *bio = BIO_new_mem_buf(cert, -1);
    X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
    if (!x || SSL_CTX_use_certificate(ssl, x) != 1) {
        posix_tls_error(error, error_size, "cert: not a usable PEM certificate");
        X509_free(x);
        BIO_free(bio);
        return -1;
    }
    X509_free(x);
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)))
        if (SSL_CTX_add_extra_chain_cert(ssl, x) != 1) /* on success the context owns x */
            X509_free(x);
    ERR_clear_error(); /* the loop ends on "no start line" */
    BIO_free(bio);

    bio = BIO_new_mem_buf(key ? key : cert, -1); /* no key given: perhaps it follows the cert */
    EVP_PKEY *pkey = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    int ok = pkey && SSL_CTX_use_PrivateKey(ssl, pkey) == 1 && SSL_CTX_check_private_key(ssl) == 1;
    EVP_PKEY_free(pkey);
    if (!ok) {
        posix_tls_error(error, error_size, "key: not the PEM private key of the client certificate");
        return -1;
    }
    return 0;
}

SSL_CTX *posix_tls_context(const port_ws_options *o, char *error, size_t error_size)
{
    SSL_CTX *ssl = SSL_CTX_new(TLS_client_method());
    if (!ssl) {
        posix_tls_error(error, error_size, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ssl, TLS1_2_VERSION); /* OCPP security whitepaper: TLS 1.2 or later */
    if (o && o->ca) {
        if (trust_pem(ssl, o->ca) == 0) {
            snprintf(error, error_size, "ca: no certificate in the PEM text");
            SSL_CTX_free(ssl);
            return NULL;
        }
    } else {
        SSL_CTX_set_default_verify_paths(ssl);
    }
    if (o && (o->cert || o->key) && use_client_certificate(ssl, o->cert ? o->cert : "", o->key, error, error_size)) {
        SSL_CTX_free(ssl);
        return NULL;
    }
    return ssl;
}

