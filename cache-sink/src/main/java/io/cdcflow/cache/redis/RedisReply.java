package io.cdcflow.cache.redis;

import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import io.vertx.redis.client.impl.types.ErrorType;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * What became of one command sent to Redis, sorted by what the sink must do about it: use the answer, load the
 * script again, dead-letter the change (the key holds something that is not one of the sink's hashes), or retry
 * later because Redis could not be asked or answered with an error about itself (LOADING, BUSY, OOM, READONLY, a
 * dropped connection, a timeout...).
 */
sealed interface RedisReply {

    /** Redis answered. */
    record Answer(Response response) implements RedisReply {
    }

    /** Redis no longer knows the script (restarted, or SCRIPT FLUSH): load it and call again. */
    record NoScript() implements RedisReply {
    }

    /** The command can never succeed for this key; the change is dead-lettered with the message. */
    record Rejected(String message) implements RedisReply {
    }

    /** Redis is unavailable for now; the change is retried with backoff. */
    record Unavailable(String message) implements RedisReply {
    }

    /**
     * Sorts an answer: the apply script answers a number (applied or stale), or the text of the error Redis gave it
     * for a key that holds something other than a hash ({@code WRONGTYPE ...}), which is the record's fault.
     */
    static RedisReply of(Response response) {
        if (response != null && (response.type() == ResponseType.BULK || response.type() == ResponseType.SIMPLE)) {
            return new Rejected(response.toString());
        }
        return new Answer(response);
    }

    /** Sorts a failed command by its cause. */
    static RedisReply failure(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ErrorType error) {
            if (error.is("NOSCRIPT")) {
                return new NoScript();
            }
            // Only an error about the key itself is the record's fault; any other error reply is about the server.
            if (error.is("WRONGTYPE")) {
                return new Rejected(error.getMessage());
            }
            return new Unavailable("Redis answered: " + error.getMessage());
        }
        return new Unavailable(String.valueOf(t));
    }
}
