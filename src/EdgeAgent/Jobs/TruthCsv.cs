namespace EdgeAgent.Jobs;

using Sylvan.Data.Csv;

/// <summary>
/// The rows of a truth CSV as a CSV reader reads them (quoted fields with commas, doubled quotes and
/// line breaks, as spreadsheets write them), each field trimmed, with its row number for messages.
/// Anything wrong is a <see cref="ConfigurationException"/> naming the file.
/// </summary>
internal static class TruthCsv
{
    public static List<(int Row, string[] Fields)> Read(string path)
    {
        try
        {
            using var text = new StreamReader(path);
            using var csv = CsvDataReader.Create(text, new CsvDataReaderOptions { HasHeaders = false, Delimiter = ',' });
            var rows = new List<(int, string[])>();
            while (csv.Read())
            {
                var fields = new string[csv.RowFieldCount];
                for (var i = 0; i < fields.Length; i++)
                {
                    fields[i] = csv.GetString(i).Trim();
                }

                rows.Add((csv.RowNumber, fields));
            }

            return rows;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"truth file {path}: cannot be read: {e.Message}", e);
        }
        catch (CsvFormatException e)
        {
            throw new ConfigurationException($"truth file {path}: not CSV as spreadsheets write it: {e.Message}", e);
        }
    }
}
