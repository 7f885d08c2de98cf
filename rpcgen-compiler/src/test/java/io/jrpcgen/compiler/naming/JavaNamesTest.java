package io.jrpcgen.compiler.naming;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How {@code .x} identifiers become Java names. */
class JavaNamesTest {
  @ParameterizedTest
  @CsvSource({
    "square_in, SquareIn",
    "SQUARE_PROG, SquareProg",
    "nfs_fh4, NfsFh4",
    "READDIR3args, Readdir3Args",
    "COMPOUND4res, Compound4Res",
    "rpcb_entry_list, RpcbEntryList",
    "getPort, GetPort",
    "x, X",
    "record, Record",
    "_private, Private",
    "1kv, _1Kv",
  })
  void typeNames(String xdr, String java) {
    assertThat(JavaNames.typeName(xdr)).isEqualTo(java);
  }

  @ParameterizedTest
  @CsvSource({
    "arg1, arg1",
    "res1, res1",
    "SQUAREPROC, squareproc",
    "NFSPROC3_NULL, nfsproc3Null",
    "file_handle, fileHandle",
    "fileHandle, fileHandle",
    "null, null_",
    "private, private_",
    "class, class_",
    "3d, _3D",
  })
  void memberNames(String xdr, String java) {
    assertThat(JavaNames.memberName(xdr)).isEqualTo(java);
  }

  @ParameterizedTest
  @CsvSource({"NFS3_OK, NFS3_OK", "MAXNAME, MAXNAME", "null, null_", "int, int_"})
  void constantNamesKeepTheirSpelling(String xdr, String java) {
    assertThat(JavaNames.constantName(xdr)).isEqualTo(java);
  }

  @ParameterizedTest
  @CsvSource({
    "nfs_fh4, NFS_FH4",
    "count_t, COUNT_T",
    "countT, COUNT_T",
    "handle, HANDLE",
    "READDIR3args, READDIR3_ARGS",
    "_1x, _1_X"
  })
  void typedefCodecsTakeConstantCase(String xdr, String java) {
    assertThat(JavaNames.constantCaseName(xdr)).isEqualTo(java);
  }
}
