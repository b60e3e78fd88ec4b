package org.opendmp.jobs.activate.delivery;

/** One data file of a delivery: its name, data rows (the header not counted), size and SHA-256 (hex). */
public record DataFile(String name, long rows, long bytes, String sha256) {}
