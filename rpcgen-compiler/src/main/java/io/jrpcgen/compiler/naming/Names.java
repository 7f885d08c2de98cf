package io.jrpcgen.compiler.naming;

import io.jrpcgen.compiler.model.NamedType;
import io.jrpcgen.compiler.model.Schema;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Java names of one schema's generated code, each assigned once by {@link Naming}: what the
 * emitters read instead of deriving names themselves. Keyed by model object identity.
 */
public final class Names {
  private final IdentityHashMap<Object, String> names = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> numberConstants = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> clients = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> asyncVersions = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> arguments = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> asyncMethods = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> oneWayMethods = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> withers = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> columns = new IdentityHashMap<>();
  private final IdentityHashMap<Object, String> bindings = new IdentityHashMap<>();
  private final Set<String> topLevelTypes = new TreeSet<>();
  private final String constantsClass;
  private final String typedefsClass;
  private final String schemaClass;

  Names(String constantsClass, String typedefsClass, String schemaClass) {
    this.constantsClass = constantsClass;
    this.typedefsClass = typedefsClass;
    this.schemaClass = schemaClass;
  }

  void putTopLevelType(String name) {
    topLevelTypes.add(name);
  }

  void put(Object modelObject, String name) {
    names.put(modelObject, name);
  }

  void putNumberConstant(Object programVersionOrProcedure, String name) {
    numberConstants.put(programVersionOrProcedure, name);
  }

  void putClient(Schema.Version version, String name) {
    clients.put(version, name);
  }

  void putAsyncVersion(Schema.Version version, String name) {
    asyncVersions.put(version, name);
  }

  void putArguments(Schema.Procedure procedure, String name) {
    arguments.put(procedure, name);
  }

  void putAsync(Schema.Procedure procedure, String name) {
    asyncMethods.put(procedure, name);
  }

  void putOneWay(Schema.Procedure procedure, String name) {
    oneWayMethods.put(procedure, name);
  }

  void putWither(NamedType.Field field, String name) {
    withers.put(field, name);
  }

  void putColumn(NamedType.Field field, String name) {
    columns.put(field, name);
  }

  void putBinding(Object typeOrTypedef, String name) {
    bindings.put(typeOrTypedef, name);
  }

  private String get(IdentityHashMap<Object, String> map, Object key) {
    String name = map.get(key);
    if (name == null) {
      throw new IllegalArgumentException("no Java name was assigned to " + key);
    }
    return name;
  }

  /** The simple names of every class the schema generates in its package, sorted. */
  public Set<String> topLevelTypes() {
    return Collections.unmodifiableSet(topLevelTypes);
  }

  /** The per-file constants class, e.g. {@code NfsProtConstants} for nfs_prot.x. */
  public String constantsClass() {
    return constantsClass;
  }

  /** The per-file typedef codecs class, e.g. {@code NfsProtTypedefs}. */
  public String typedefsClass() {
    return typedefsClass;
  }

  /** The per-file class of shapes and JSON bindings, e.g. {@code NfsProtSchema}. */
  public String schemaClass() {
    return schemaClass;
  }

  /** The simple name of a struct's record, a union's interface or an enum. */
  public String type(NamedType type) {
    return get(names, type);
  }

  /** A record component: a struct member, an arm's value, a discriminant or a parameter. */
  public String field(NamedType.Field field) {
    return get(names, field);
  }

  /**
   * A record's copy method with another value of {@code field} ({@code withSize}); records of
   * {@link Naming#WITHERS_FROM} components or more have one per component.
   */
  public String wither(NamedType.Field field) {
    return get(withers, field);
  }

  /** The local array a linked list's decoder reads the values of {@code field} into. */
  public String column(NamedType.Field field) {
    return get(columns, field);
  }

  /** The simple name of an arm's record, nested in its union. */
  public String arm(NamedType.Arm arm) {
    return get(names, arm);
  }

  /** An enumerator as a Java enum constant. */
  public String enumConstant(NamedType.Constant constant) {
    return get(names, constant);
  }

  /** A constant's field in the constants class. */
  public String constant(Schema.Constant constant) {
    return get(names, constant);
  }

  /** A typedef's codec field in the typedefs class, in constant case. */
  public String typedef(Schema.Typedef typedef) {
    return get(names, typedef);
  }

  /**
   * The field of a struct, union, enum or typedef in the schema class that binds it to its shape,
   * e.g. {@code NESTED_POINT} or {@code COUNT_T}.
   */
  public String binding(Object typeOrTypedef) {
    return get(bindings, typeOrTypedef);
  }

  /** A program's outer class. */
  public String program(Schema.Program program) {
    return get(names, program);
  }

  /** A version's interface, nested in its program's class. */
  public String version(Schema.Version version) {
    return get(names, version);
  }

  /** A version's client class, nested in its program's class. */
  public String client(Schema.Version version) {
    return get(clients, version);
  }

  /** A version's interface for servers that answer later, nested in its program's class. */
  public String asyncVersion(Schema.Version version) {
    return get(asyncVersions, version);
  }

  /** The static method that binds an implementation of a version. */
  public String binder(Schema.Version version) {
    return "bind" + version(version);
  }

  /** The static method that binds an implementation of a version's asynchronous interface. */
  public String asyncBinder(Schema.Version version) {
    return "bind" + asyncVersion(version);
  }

  /** A procedure's method in its version's interface and client. */
  public String procedure(Schema.Procedure procedure) {
    return get(names, procedure);
  }

  /** A client's method that calls a procedure without waiting, e.g. {@code squareprocAsync}. */
  public String asyncProcedure(Schema.Procedure procedure) {
    return get(asyncMethods, procedure);
  }

  /** A client's one-way method of a procedure without results, e.g. {@code notifyOneWay}. */
  public String oneWayProcedure(Schema.Procedure procedure) {
    return get(oneWayMethods, procedure);
  }

  /** The record of a multi-argument procedure's arguments, nested in its program's class. */
  public String arguments(Schema.Procedure procedure) {
    return get(arguments, procedure);
  }

  /** The constant holding a program's number, in its class. */
  public String number(Schema.Program program) {
    return get(numberConstants, program);
  }

  /** The constant holding a version's number, in its program's class. */
  public String number(Schema.Version version) {
    return get(numberConstants, version);
  }

  /** The constant holding a procedure's number, in its version's interface. */
  public String number(Schema.Procedure procedure) {
    return get(numberConstants, procedure);
  }
}
