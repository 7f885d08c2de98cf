package io.jrpcgen.gss;

import java.nio.file.Path;
import java.security.PrivilegedActionException;
import java.security.PrivilegedExceptionAction;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.Subject;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import javax.security.auth.login.LoginContext;
import javax.security.auth.login.LoginException;
import org.ietf.jgss.GSSException;

/**
 * A Kerberos login: the JAAS subject whose tickets or keys RPCSEC_GSS contexts are made with. Made
 * from a keytab, a ticket cache ({@code kinit}) or a subject logged in elsewhere. The Kerberos
 * configuration is the JDK's: {@code -Djava.security.krb5.conf=...} or the system's.
 */
public final class GssLogin {
  private static final String KRB5_LOGIN_MODULE = "com.sun.security.auth.module.Krb5LoginModule";

  private final Subject subject;
  private final String name;

  private GssLogin(Subject subject, String name) {
    this.subject = subject;
    this.name = name;
  }

  /**
   * Logs {@code principal} in with its key from {@code keytab}, as a client or as a server ({@code
   * nfs/host.example.org@EXAMPLE.ORG}).
   *
   * @throws SecurityException if the login fails
   */
  public static GssLogin keytab(String principal, Path keytab) {
    Map<String, String> options = new HashMap<>();
    options.put("useKeyTab", "true");
    options.put("keyTab", keytab.toString());
    options.put("principal", principal);
    options.put("storeKey", "true");
    return login(principal, options);
  }

  /**
   * A server's login that accepts calls for any principal whose key is in {@code keytab}, with no
   * ticket of its own (Krb5LoginModule's {@code principal=*}, {@code isInitiator=false}).
   *
   * @throws SecurityException if the keytab cannot be used
   */
  public static GssLogin acceptor(Path keytab) {
    Map<String, String> options = new HashMap<>();
    options.put("useKeyTab", "true");
    options.put("keyTab", keytab.toString());
    options.put("principal", "*");
    options.put("storeKey", "true");
    options.put("isInitiator", "false");
    return login("* from " + keytab, options);
  }

  /**
   * Logs in with the tickets of the credential cache {@code cache}, as {@code kinit} leaves them.
   *
   * @throws SecurityException if the cache holds no usable ticket
   */
  public static GssLogin ticketCache(Path cache) {
    Map<String, String> options = new HashMap<>();
    options.put("useTicketCache", "true");
    options.put("ticketCache", cache.toString());
    return login("ticket cache " + cache, options);
  }

  /**
   * Logs in with the entry {@code entry} of the application's JAAS configuration (the file {@code
   * -Djava.security.auth.login.config} names, or the {@link Configuration} set), without prompting:
   * its Kerberos options (keytab, principal, ticket cache) are the entry's.
   *
   * @throws SecurityException if there is no such entry or the login fails
   */
  public static GssLogin jaas(String entry) {
    if (entry == null || entry.isEmpty()) {
      throw new IllegalArgumentException("entry is empty: " + entry);
    }
    Subject subject = new Subject();
    try {
      new LoginContext(entry, subject).login();
    } catch (LoginException e) {
      throw new SecurityException("JAAS login of entry " + entry + " failed: " + e.getMessage(), e);
    }
    return new GssLogin(subject, "JAAS entry " + entry);
  }

  /** Uses a subject logged in elsewhere (an application's own JAAS configuration). */
  public static GssLogin subject(Subject subject) {
    if (subject == null) {
      throw new IllegalArgumentException("subject is null");
    }
    // The principals' set is a SecureSet, whose toString is Object's.
    return new GssLogin(subject, List.copyOf(subject.getPrincipals()).toString());
  }

  /** The subject holding the tickets or keys. */
  public Subject subject() {
    return subject;
  }

  private static GssLogin login(String name, Map<String, String> options) {
    options.put("doNotPrompt", "true");
    // A configuration written after the JDK first read one (a test's realm) is read again.
    options.put("refreshKrb5Config", "true");
    Configuration configuration =
        new Configuration() {
          @Override
          public AppConfigurationEntry[] getAppConfigurationEntry(String ignored) {
            return new AppConfigurationEntry[] {
              new AppConfigurationEntry(
                  KRB5_LOGIN_MODULE, AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)
            };
          }
        };
    Subject subject = new Subject();
    try {
      new LoginContext("jrpcgen", subject, null, configuration).login();
    } catch (LoginException e) {
      throw new SecurityException("Kerberos login of " + name + " failed: " + e.getMessage(), e);
    }
    return new GssLogin(subject, name);
  }

  /** Runs a JGSS action as this login's subject. */
  <T> T run(PrivilegedExceptionAction<T> action) throws GSSException {
    try {
      return doAs(action);
    } catch (PrivilegedActionException e) {
      if (e.getException() instanceof GSSException g) {
        throw g;
      }
      throw new SecurityException(e.getException());
    }
  }

  @SuppressWarnings("removal")
  private <T> T doAs(PrivilegedExceptionAction<T> action) throws PrivilegedActionException {
    // Subject.callAs replaces doAs from Java 18; the runtime's floor is 17.
    return Subject.doAs(subject, action);
  }

  @Override
  public String toString() {
    return "GssLogin[" + name + "]";
  }
}
