/*
 * The XDR language of RFC 4506 section 6 and RFC 5531 section 12, with what rpcgen accepts
 * beyond it: C type names, string constants, named and multiple procedure parameters,
 * 'struct x' style references, anonymous inline types and empty structs. The preprocessor has
 * already removed comments, '%' lines and directives, keeping every line in its place.
 */
grammar XdrSyntax;

specification
  : definition* EOF
  ;

definition
  : 'typedef' declaration ';'                     # typedefDefinition
  | 'enum' identifier enumBody ';'                # enumDefinition
  | 'struct' identifier structBody ';'            # structDefinition
  | 'union' identifier unionBody ';'              # unionDefinition
  | 'const' identifier '=' constantValue ';'      # constDefinition
  | 'program' identifier '{' version+ '}' '=' value ';'  # programDefinition
  ;

version
  : 'version' identifier '{' procedure+ '}' '=' value ';'
  ;

procedure
  : resultType identifier '(' parameter (',' parameter)* ')' '=' value ';'
  ;

resultType
  : 'void'
  | typeSpecifier
  ;

parameter
  : 'void'
  | typeSpecifier identifier?
  ;

declaration
  : 'void'                                                  # voidDeclaration
  | typeSpecifier '*' identifier                            # optionalDeclaration
  | typeSpecifier identifier '[' value ']'                  # fixedArrayDeclaration
  | typeSpecifier identifier '<' value? '>'                 # variableArrayDeclaration
  | typeSpecifier identifier                                # singleDeclaration
  ;

typeSpecifier
  : 'unsigned'? integerKeyword                  # integerType
  | 'unsigned'                                  # bareUnsignedType
  | keyword=('float' | 'double' | 'quadruple' | 'bool' | 'opaque' | 'string')  # keywordType
  | 'enum' enumBody                             # inlineEnumType
  | 'struct' structBody                         # inlineStructType
  | 'union' unionBody                           # inlineUnionType
  | keyword=('enum' | 'struct' | 'union')? identifier  # namedType
  ;

integerKeyword
  : 'int'
  | 'hyper'
  | 'char'
  | 'short' 'int'?
  | 'long' 'int'?
  ;

enumBody
  : '{' enumMember (',' enumMember)* ','? '}'
  ;

enumMember
  : identifier ('=' value)?
  ;

structBody
  : '{' (declaration ';')* '}'
  ;

unionBody
  : 'switch' '(' declaration ')' '{' arm* defaultArm? '}'
  ;

arm
  : ('case' value ':')+ declaration ';'
  ;

defaultArm
  : 'default' ':' declaration ';'
  ;

constantValue
  : value
  | STRING
  ;

value
  : MINUS? NUMBER
  | identifier
  ;

identifier
  : IDENTIFIER
  ;

MINUS : '-' ;
IDENTIFIER : [a-zA-Z_] [a-zA-Z0-9_]* ;
// Digits and letters together, so that '09' or '0x' is one token the builder can name.
NUMBER : [0-9] [0-9a-zA-Z_]* ;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
WHITESPACE : [ \t\r\n\f\u000B]+ -> skip ;
