/**
 * capture-service's configuration ({@code cdc.capture.*}): the sources, their strategies and databases.
 */
package io.cdcflow.capture.config;
