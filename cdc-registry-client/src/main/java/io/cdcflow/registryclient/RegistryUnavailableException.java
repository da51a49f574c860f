package io.cdcflow.registryclient;

/** The registry could not be asked (down, slow, 5xx, credential refused): the client tries again later. */
class RegistryUnavailableException extends RuntimeException {

    RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
