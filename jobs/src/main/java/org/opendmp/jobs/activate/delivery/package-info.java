/**
 * Delivery of activation files to partners (issue #6): what the activation job hands its export lines to.
 *
 * <p>{@link org.opendmp.jobs.activate.delivery.DeliveryFiles} writes a delivery into a local staging folder (data
 * files named by a {@link org.opendmp.jobs.activate.delivery.DeliverySpec}'s template, split, optionally gzip;
 * {@code manifest.json}; an empty {@code _SUCCESS}), byte-identical for equal inputs. {@link
 * org.opendmp.jobs.activate.delivery.Publisher} copies it to a {@link
 * org.opendmp.jobs.activate.delivery.DeliveryTarget} ({@link org.opendmp.jobs.activate.delivery.Targets#of}: a
 * local folder, {@code s3a://}, {@code sftp://}) under {@code <destination>/dt=YYYY-MM-DD/}, {@code _SUCCESS}
 * last, each step retried with backoff. Guarantees per target: README.md, "Delivery targets".
 */
package org.opendmp.jobs.activate.delivery;
