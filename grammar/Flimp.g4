// Flimp: Fluxo's restricted dataflow language. No recursion, no loops, single assignment, all state
// in declared tables, every outside call declared with its properties. See docs/language.md.
grammar Flimp;

program
    : serviceDecl decl* EOF
    ;

serviceDecl
    : 'service' name=ident ';'
    ;

decl
    : recordDecl
    | externDecl
    | fnDecl
    | tableDecl
    | handlerDecl
    ;

recordDecl
    : 'record' name=ident '{' fieldDecl* '}'
    ;

fieldDecl
    : name=ident ':' typeRef ';'
    ;

externDecl
    : 'extern' name=ident '(' paramList? ')' '->' typeRef externProp* ';'
    ;

externProp
    : 'deterministic'               # deterministicProp
    | 'sideeffects'                 # sideEffectsProp
    | 'latency' DURATION            # latencyProp
    | 'fresh' DURATION              # freshProp
    ;

fnDecl
    : 'fn' name=ident '(' paramList? ')' '->' typeRef '=' expr ';'   # exprFn
    | 'fn' name=ident '(' paramList? ')' '->' typeRef fnBlock        # blockFn
    ;

fnBlock
    : '{' stmt* '}'
    ;

tableDecl
    : 'table' name=ident '(' 'partition' pk=ident ':' pkType=typeRef ',' 'row' rk=ident ':' rkType=typeRef ')' '{' fieldDecl* '}'
    ;

handlerDecl
    : access='internal'? 'handler' name=ident '(' paramList? ')' '->' typeRef block
    ;

paramList
    : param (',' param)*
    ;

param
    : name=ident ':' typeRef
    ;

typeRef
    : typeRef '?'                      # optionalType
    | 'list' '<' typeRef '>'           # listType
    | name=ident                       # namedType
    ;

block
    : '{' stmt* '}'
    ;

stmt
    : letStmt                                                   # letStatement
    | 'put' table=ID '(' pk=expr ',' rk=expr ')' recordBody ';' # putStmt
    | 'delete' table=ID '(' pk=expr ',' rk=expr ')' ';'         # deleteStmt
    | 'enqueue' handler=ID '(' argList? ')' ';'                    # enqueueStmt
    | ifStatement                                               # ifStmt
    | 'for' 'each' var=ident 'in' list=expr ('max' max=INT)? block # forEachStmt
    | 'return' expr ';'                                         # returnStmt
    | kw=('while' | 'for') (~'{')* block                        # loopStmt
    | name=ident '=' expr ';'                                   # assignStmt
    ;

ifStatement
    : 'if' cond=expr thenBlock=block ('else' (elseIf=ifStatement | elseBlock=block))?
    ;

letStmt
    : 'let' name=ident (':' typeRef)? '=' expr ';'
    ;

expr
    : primary                                           # primaryExpr
    | expr '.' field=ident                                 # fieldExpr
    | op=('-' | '!') expr                               # unaryExpr
    | expr op=('*' | '/' | '%') expr                    # binaryExpr
    | expr op=('+' | '-') expr                          # binaryExpr
    | expr op=('<' | '<=' | '>' | '>=') expr            # binaryExpr
    | expr op=('==' | '!=') expr                        # binaryExpr
    | expr op='=' expr                                  # binaryExpr // '=' for '==': parsed so it gets one clear error
    | expr op='&&' expr                                 # binaryExpr
    | expr op='||' expr                                 # binaryExpr
    | <assoc = right> expr op='??' expr                 # coalesceExpr
    | 'if' cond=expr 'then' thenExpr=expr 'else' elseExpr=expr  # ifExpr
    ;

primary
    : literal                                                   # literalPrimary
    | 'map' '(' list=expr ',' lambda1 ')'                       # mapPrimary
    | 'filter' '(' list=expr ',' lambda1 ')'                    # filterPrimary
    | 'fold' '(' list=expr ',' init=expr ',' lambda2 ')'        # foldPrimary
    | 'get' table=ID '(' pk=expr ',' rk=expr ')'                # getPrimary
    | 'query' table=ID '(' pk=expr (',' prefix=expr)? ')'       # queryPrimary
    | name=ident '(' argList? ')'                                     # callPrimary
    | name=ident                                                   # namePrimary
    | '(' expr ')'                                              # parenPrimary
    | '[' argList? ']'                                             # listPrimary
    | recordBody                                                # recordPrimary
    ;

lambda1
    : param1=ident '=>' lambdaBody
    ;

lambda2
    : '(' acc=ident ',' item=ident ')' '=>' lambdaBody
    ;

// A block body: lets, then the value.
lambdaBody
    : expr                               # exprLambdaBody
    | '{' letStmt* 'return' expr ';' '}' # blockLambdaBody
    ;

recordBody
    : '{' (fieldInit (',' fieldInit)* ','?)? '}'
    ;

fieldInit
    : name=ident ':' expr
    ;

argList
    : expr (',' expr)*
    ;

// Words that are keywords only where they appear in declarations may still name things.
ident
    : ID
    | 'row'
    | 'partition'
    | 'latency'
    | 'deterministic'
    | 'sideeffects'
    | 'fresh'
    | 'internal'
    | 'each'
    | 'in'
    | 'max'
    ;

literal
    : INT                   # intLiteral
    | FLOAT                 # floatLiteral
    | STRING                # stringLiteral
    | ('true' | 'false')    # boolLiteral
    | 'none'                # noneLiteral
    ;

DURATION : [0-9]+ ('.' [0-9]+)? ('ms' | 's');
FLOAT    : [0-9]+ '.' [0-9]+;
INT      : [0-9]+;
STRING   : '"' (~["\\\r\n] | '\\' ["\\/nrt])* '"';
ID       : [a-zA-Z_] [a-zA-Z_0-9]*;

LINE_COMMENT  : '//' ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
WS            : [ \t\r\n]+ -> channel(HIDDEN);

// Any other character becomes its own token so the parser reports it at its position.
ERROR_CHAR : .;
