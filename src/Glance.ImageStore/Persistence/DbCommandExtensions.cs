using System.Data;
using System.Data.Common;

namespace Glance.ImageStore.Persistence;

/// <summary>
/// Typed parameters for both engines. The type is always set, null or not: PostgreSQL must know
/// that a null <c>size</c> is a bigint and a null <c>owner</c> is text, and SQLite does not mind.
/// Names are written <c>@name</c> in the SQL, which Microsoft.Data.Sqlite and Npgsql both bind.
/// </summary>
internal static class DbCommandExtensions
{
    public static DbCommand Text(this DbCommand command, string name, string? value) => command.Add(name, DbType.String, value);

    public static DbCommand Int64(this DbCommand command, string name, long? value) => command.Add(name, DbType.Int64, value);

    public static DbCommand Int32(this DbCommand command, string name, int value) => command.Add(name, DbType.Int32, value);

    public static DbCommand Boolean(this DbCommand command, string name, bool value) => command.Add(name, DbType.Boolean, value);

    /// <summary>A command on <paramref name="connection"/>, in <paramref name="transaction"/> when there is one (SQLite requires it).</summary>
    public static DbCommand Command(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static DbCommand Add(this DbCommand command, string name, DbType type, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.DbType = type;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }
}
