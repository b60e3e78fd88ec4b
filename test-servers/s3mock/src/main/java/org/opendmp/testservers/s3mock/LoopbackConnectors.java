package org.opendmp.testservers.s3mock;

import org.apache.catalina.connector.Connector;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Binds S3Mock's extra plain-HTTP connector ({@code --http.port}) to {@code server.address}. S3Mock builds that
 * connector with a port only, so it would listen on every interface, and tests here must stay on 127.0.0.1.
 * Loaded through META-INF/spring.factories (Spring Boot 4 has no {@code context.initializer.classes}).
 */
public final class LoopbackConnectors implements ApplicationContextInitializer<ConfigurableApplicationContext> {
  @Override
  public void initialize(ConfigurableApplicationContext context) {
    String address = context.getEnvironment().getProperty("server.address", "127.0.0.1");
    context
        .getBeanFactory()
        .addBeanPostProcessor(
            new BeanPostProcessor() {
              @Override
              public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof Connector connector) {
                  connector.setProperty("address", address);
                }
                return bean;
              }
            });
  }
}
