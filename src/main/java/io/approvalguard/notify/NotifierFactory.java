package io.approvalguard.notify;

import org.keycloak.provider.ProviderFactory;

public interface NotifierFactory extends ProviderFactory<Notifier> {}
