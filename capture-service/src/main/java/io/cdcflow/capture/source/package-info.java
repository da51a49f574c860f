/**
 * What every strategy shares: a {@code ChangeSource} and its factory, the runner that starts one
 * {@code SourceSupervisor} per configured source (leadership, backoff, repairs), source generations, health and the
 * source API (repair, snapshot requests).
 */
package io.cdcflow.capture.source;
